package dev.llmplatform.bench;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.onnx.WeightQuantization;

/**
 * The least memory traffic a decode step can get away with, and so the fastest it can be on a
 * machine of a given bandwidth: every weight matrix read once per step (shared by the whole batch),
 * plus each sequence's KV cache read once. Anything the engine reads on top (copies of the cache,
 * activations, an embedding transposed at load) is overhead that this model deliberately leaves out.
 */
record Roofline(long weightBytesPerStep, long kvBytesPerPosition) {

    static Roofline of(ModelConfig c, WeightQuantization q) {
        long h = c.hidden();
        long kv = (long) c.kvHeads() * c.headDim();
        long inter = c.intermediate();
        long perLayer = matrix(h, h, q) + 2 * matrix(h, kv, q) + matrix(h, h, q)
                + 2 * matrix(h, inter, q) + matrix(inter, h, q) + 2 * h * Float.BYTES;
        long head = q.quantized() && q.quantizeLmHead() ? matrix(h, c.vocabSize(), q.lmHead().bits(), q)
                : h * c.vocabSize() * Float.BYTES;
        long weights = c.layers() * perLayer + h * Float.BYTES + head;
        long kvPerPosition = 2L * c.layers() * kv * Float.BYTES;
        return new Roofline(weights, kvPerPosition);
    }

    /** Bytes of one [in, out] matrix: float32, or packed codes + one float scale (+ zero point) per block. */
    static long matrix(long in, long out, WeightQuantization q) {
        if (!q.quantized()) {
            return in * out * Float.BYTES;
        }
        return matrix(in, out, q.format().bits(), q);
    }

    /** As above in {@code bits} (the LM head may have its own), with q's block size and zero points. */
    static long matrix(long in, long out, int bits, WeightQuantization q) {
        long blocksPerColumn = (in + q.blockSize() - 1) / q.blockSize();
        long blocks = out * blocksPerColumn;
        long codes = blocks * q.blockSize() * bits / 8;
        long zeroPoints = q.symmetric() ? 0 : out * ((blocksPerColumn * bits + 7) / 8);
        return codes + blocks * Float.BYTES + zeroPoints;
    }

    /** The same weights with a KV cache of {@code elementBytes} per element (2: float16) instead of float32's 4. */
    Roofline withKvElementBytes(int elementBytes) {
        return new Roofline(weightBytesPerStep, kvBytesPerPosition / Float.BYTES * elementBytes);
    }

    /** Bytes one decoded token costs at a batch of {@code batch} sequences that each hold {@code past} positions. */
    double bytesPerToken(int batch, double past) {
        return (double) weightBytesPerStep / batch + past * kvBytesPerPosition;
    }

    /** Tokens per second the bandwidth allows at that batch and past. */
    double tokensPerSecond(double gbs, int batch, double past) {
        return gbs * 1e9 / bytesPerToken(batch, past);
    }
}
