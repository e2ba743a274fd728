package dev.llmplatform.bench;

import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.model.llama.CrossEntropy;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How much a quantized graph loses against float32: the eval loss (mean cross-entropy of the next
 * token) on a text sampled from the float32 model itself (seeded, temperature 1, from BOS), so the
 * text is in-distribution for a trained model, and how often the quantized model's top token is
 * float32's. Random weights have no text of their own, so for them the loss says little.
 */
final class EvalLoss {

    /** The text (length n + 1) and float32's greedy choice after each of its first n tokens. */
    record Reference(int[] text, int[] fp32Argmax) {
    }

    record Result(double loss, double agreement, Reference reference) {
    }

    private EvalLoss() {
    }

    /** With a null reference the decoder is taken as float32: it samples the text and sets the targets. */
    static Result measure(OnnxDecoder decoder, int bos, int length, Reference reference) {
        return measure(decoder, bos, length, reference, BenchModels.SEED);
    }

    /** As above, the text sampled with {@code seed} (several texts for a steadier mean). */
    static Result measure(OnnxDecoder decoder, int bos, int length, Reference reference, long seed) {
        int[] text = reference != null ? reference.text() : sample(decoder, bos, Math.min(length + 1, decoder.contextLength()), seed);
        int n = text.length - 1;
        float[][] logits = decoder.step(List.of(decoder.newCache(n)), List.of(Arrays.copyOf(text, n)), true)[0];
        int[] top = CrossEntropy.argmax(logits);
        Reference ref = reference != null ? reference : new Reference(text, top);
        int same = 0;
        for (int i = 0; i < n; i++) {
            same += top[i] == ref.fp32Argmax()[i] ? 1 : 0;
        }
        return new Result(CrossEntropy.mean(logits, Arrays.copyOfRange(text, 1, n + 1)), (double) same / n, ref);
    }

    private static int[] sample(OnnxDecoder decoder, int bos, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        KvCache cache = decoder.newCache(length);
        int[] text = new int[length];
        text[0] = bos;
        for (int i = 1; i < length; i++) {
            float[] logits = decoder.step(List.of(cache), List.of(new int[] {text[i - 1]}), false)[0][0];
            text[i] = CrossEntropy.sample(logits, random.nextDouble());
        }
        return text;
    }
}
