package dev.llmplatform.inference.analysis;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OrtSessions;

/**
 * Opens ONNX Runtime sessions for analysis graphs with exactly the engine's settings (the same
 * {@link OrtSessions}: optimisation, no spinning threads, the configured provider, {@code auto}
 * falling back to CPU with one log line).
 */
final class AnalysisSessions {

    /** A graph from a file or from bytes. */
    @FunctionalInterface
    interface Source {
        OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
    }

    private AnalysisSessions() {
    }

    static OrtSessions.Opened open(Source source, DecoderOptions options, String what) {
        try {
            return OrtSessions.open(OrtEnvironment.getEnvironment(), new OrtSessions.ModelSource() {
                @Override
                public OrtSession open(OrtEnvironment env, OrtSession.SessionOptions so) throws OrtException {
                    return source.open(env, so);
                }

                @Override
                public String describe() {
                    return what;
                }
            }, options);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + what + ": " + e.getMessage(), e);
        }
    }
}
