package dev.llmplatform.inference.analysis;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.ExecutionDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions for analysis graphs with the engine's settings (full optimisation,
 * no spinning threads on a small machine, the configured provider; {@code auto} falls back to CPU
 * and says so). The engine's own opener is private to it, so these few lines are repeated here.
 */
final class AnalysisSessions {

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisSessions.class);

    /** A graph from a file or from bytes. */
    @FunctionalInterface
    interface Source {
        OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
    }

    record Opened(OrtSession session, ExecutionDevice device) {
    }

    private AnalysisSessions() {
    }

    static Opened open(Source source, DecoderOptions options, String what) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            return switch (options.device()) {
                case CPU -> new Opened(openWith(env, source, options, false), ExecutionDevice.CPU);
                case CUDA -> new Opened(openWith(env, source, options, true), ExecutionDevice.CUDA);
                case AUTO -> {
                    try {
                        yield new Opened(openWith(env, source, options, true), ExecutionDevice.CUDA);
                    } catch (OrtException | RuntimeException | LinkageError e) {
                        LOG.info("device auto: CUDA unavailable for {} ({}), it runs on CPU", what, e.getMessage());
                        yield new Opened(openWith(env, source, options, false), ExecutionDevice.CPU);
                    }
                }
            };
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + what + ": " + e.getMessage(), e);
        }
    }

    private static OrtSession openWith(OrtEnvironment env, Source source, DecoderOptions options, boolean cuda)
            throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            so.addConfigEntry("session.inter_op.allow_spinning", "0");
            if (cuda) {
                so.addCUDA(options.cudaDeviceId());
            }
            return source.open(env, so);
        }
    }
}
