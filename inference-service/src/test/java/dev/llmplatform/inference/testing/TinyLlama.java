package dev.llmplatform.inference.testing;

import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaReference;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.onnx.LlamaOnnxWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * A tiny random Llama (2 layers, 4 heads, 2 kv heads, hidden 32, vocab 64, context 64) as weights
 * and as an ONNX graph written by the project's writer: big enough to exercise grouped-query
 * attention, rotary positions and the KV cache, small enough to run in milliseconds. The LM head is
 * untied: with random weights a tied head mostly repeats the last token, which would make greedy
 * comparisons pass too easily.
 */
public final class TinyLlama {

    public static final ModelConfig CONFIG = ModelConfig.llama(2, 4, 2, 32, 64, 64, 64, 0, 0, false);
    public static final LlamaWeights WEIGHTS = RandomLlama.create(CONFIG, 7);
    private static byte[] onnx;

    private TinyLlama() {
    }

    public static synchronized byte[] onnx() {
        if (onnx == null) {
            onnx = LlamaOnnxWriter.toBytes(WEIGHTS, LlamaOnnxWriter.Options.DEFAULT);
        }
        return onnx;
    }

    /** Oracle for greedy decoding: the plain-Java forward pass over the whole sequence for every new token, no cache. */
    public static List<Integer> greedyByRecomputation(int[] prompt, int count) {
        List<Integer> sequence = new ArrayList<>();
        for (int t : prompt) {
            sequence.add(t);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[][] logits = LlamaReference.logits(WEIGHTS, sequence.stream().mapToInt(Integer::intValue).toArray());
            float[] last = logits[logits.length - 1];
            int best = 0;
            for (int v = 1; v < last.length; v++) {
                if (last[v] > last[best]) {
                    best = v;
                }
            }
            out.add(best);
            sequence.add(best);
        }
        return out;
    }

    /** A CPU decoder with one intra-op thread (the test machine has two cores). */
    public static OnnxDecoder decoder() {
        return OnnxDecoder.fromBytes(onnx(), CONFIG, DecoderOptions.cpu(1));
    }
}
