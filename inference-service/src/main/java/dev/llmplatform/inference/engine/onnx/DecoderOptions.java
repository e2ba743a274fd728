package dev.llmplatform.inference.engine.onnx;

/**
 * How to run a decoder graph.
 *
 * @param intraOpThreads threads ONNX Runtime uses inside one operator; 0 lets it choose (one per core)
 * @param cudaDeviceId   GPU index when the device is CUDA
 * @param profilePrefix  where ONNX Runtime's profiler writes its per-node JSON trace (file name prefix), null for
 *                       none: for benchmarks, it slows every step
 */
public record DecoderOptions(ExecutionDevice device, int intraOpThreads, int cudaDeviceId, String profilePrefix) {

    public DecoderOptions(ExecutionDevice device, int intraOpThreads, int cudaDeviceId) {
        this(device, intraOpThreads, cudaDeviceId, null);
    }

    /** These options with ONNX Runtime's profiler on. */
    public DecoderOptions profiled(String prefix) {
        return new DecoderOptions(device, intraOpThreads, cudaDeviceId, prefix);
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
