package dev.llmplatform.inference.engine.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions with the platform's settings: full graph optimisation, intra-op workers that
 * spin between the operators of a run or sleep ({@link DecoderOptions#spinning()}; either way they stop
 * spinning when the run returns, so they never hold a core between engine steps — docs/benchmarks.md), and
 * the execution provider asked for. {@code auto} tries CUDA and falls back to CPU, and says in one log line which one runs.
 */
public final class OrtSessions {

    private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);

    /** A graph to load, from a file or from bytes. */
    public interface ModelSource {
        OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;

        String describe();
    }

    public record Opened(OrtSession session, ExecutionDevice device) {
    }

    private OrtSessions() {
    }

    public static Opened open(OrtEnvironment env, ModelSource source, DecoderOptions options) throws OrtException {
        OrtEnvironmentPin.pin(env);  // before any session can run: see there
        return switch (options.device()) {
            case CPU -> new Opened(openWith(env, source, options, false), ExecutionDevice.CPU);
            case CUDA -> {
                OrtSession session = openWith(env, source, options, true);
                LOG.info("inference runs on CUDA (device {}) for {}", options.cudaDeviceId(), source.describe());
                yield new Opened(session, ExecutionDevice.CUDA);
            }
            case AUTO -> openAuto(env, source, options);
        };
    }

    private static Opened openAuto(OrtEnvironment env, ModelSource source, DecoderOptions options) throws OrtException {
        try {
            OrtSession session = openWith(env, source, options, true);
            LOG.info("device auto: inference runs on CUDA (device {}) for {}", options.cudaDeviceId(), source.describe());
            return new Opened(session, ExecutionDevice.CUDA);
        } catch (OrtException | RuntimeException | LinkageError e) {
            OrtSession session = openWith(env, source, options, false);
            LOG.info("device auto: CUDA unavailable ({}), inference runs on CPU for {}", firstLine(e), source.describe());
            return new Opened(session, ExecutionDevice.CPU);
        }
    }

    private static OrtSession openWith(OrtEnvironment env, ModelSource source, DecoderOptions options, boolean cuda)
            throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            so.addConfigEntry("session.intra_op.allow_spinning", options.spinning() ? "1" : "0");
            // Spinning workers stop the moment a run returns, so they never hold a core between steps.
            so.addConfigEntry("session.force_spinning_stop", "1");
            so.addConfigEntry("session.inter_op.allow_spinning", "0");
            // Memory patterns stay on (the default) although shapes change every step: turning them off
            // made a 16-sequence step of the 124M model 30-50% slower (docs/benchmarks.md).
            if (options.profilePrefix() != null) {
                so.enableProfiling(options.profilePrefix());
            }
            if (cuda) {
                so.addCUDA(options.cudaDeviceId());
            }
            return source.open(env, so);
        }
    }

    /** Whether this ONNX Runtime build has the CUDA provider at all (the CPU artifact does not). */
    public static boolean cudaAvailable() {
        try {
            return OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
