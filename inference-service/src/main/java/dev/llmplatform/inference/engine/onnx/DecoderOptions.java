package dev.llmplatform.inference.engine.onnx;

/**
 * How to run a decoder graph.
 *
 * @param intraOpThreads threads ONNX Runtime uses inside one operator; 0 lets it choose (one per core)
 * @param cudaDeviceId   GPU index when the device is CUDA
 * @param profilePrefix  where ONNX Runtime's profiler writes its per-node JSON trace (file name prefix), null for
 *                       none: for benchmarks, it slows every step
 * @param spinning       whether ONNX Runtime's intra-op workers spin between operators of one run instead of
 *                       sleeping (its own default): faster steps when the cores are the engine's own, cores taken
 *                       from Kafka and the JVM when they are shared (see {@link OrtSessions})
 */
public record DecoderOptions(ExecutionDevice device, int intraOpThreads, int cudaDeviceId, String profilePrefix,
                             boolean spinning) {

    public DecoderOptions(ExecutionDevice device, int intraOpThreads, int cudaDeviceId) {
        this(device, intraOpThreads, cudaDeviceId, null, false);
    }

    /** These options with ONNX Runtime's profiler on. */
    public DecoderOptions profiled(String prefix) {
        return new DecoderOptions(device, intraOpThreads, cudaDeviceId, prefix, spinning);
    }

    /** These options with spinning intra-op workers on or off. */
    public DecoderOptions withSpinning(boolean spin) {
        return new DecoderOptions(device, intraOpThreads, cudaDeviceId, profilePrefix, spin);
    }

    public DecoderOptions {
        device = device == null ? ExecutionDevice.AUTO : device;
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0");
        }
    }

    public static DecoderOptions cpu(int intraOpThreads) {
        return new DecoderOptions(ExecutionDevice.CPU, intraOpThreads, 0);
    }
}
