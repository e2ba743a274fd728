package dev.llmplatform.inference.engine.onnx;

/**
 * How to run a decoder graph.
 *
 * @param intraOpThreads threads ONNX Runtime uses inside one operator; 0 lets it choose (one per core)
 * @param cudaDeviceId   GPU index when the device is CUDA
 */
public record DecoderOptions(ExecutionDevice device, int intraOpThreads, int cudaDeviceId) {

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
