package dev.llmplatform.gateway.rerank;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a rerank or score request asks of the encoder: each distinct text once, with the request
 * field it first came from (so a refusal can name it), and the pairs of texts to compare.
 *
 * @param texts  the distinct texts, in order of first appearance
 * @param params the field each text came from, e.g. {@code query} or {@code documents[3]}
 * @param pairs  pair {@code i} compares {@code texts[pairs[i][0]]} with {@code texts[pairs[i][1]]}
 */
record ScoringPlan(List<String> texts, List<String> params, List<int[]> pairs) {

    ScoringPlan {
        texts = List.copyOf(texts);
        params = List.copyOf(params);
        pairs = List.copyOf(pairs);
    }

    /** The texts of the request; each is embedded once, however often it appears. */
    record Text(String text, String param) {
    }

    /** Pair {@code i} is {@code first[i]} with {@code second[i]}; both lists have the same length. */
    static ScoringPlan of(List<Text> first, List<Text> second) {
        if (first.size() != second.size()) {
            throw new IllegalArgumentException("pairs need as many first texts as second texts");
        }
        Map<String, Integer> slots = new HashMap<>();
        List<String> texts = new ArrayList<>();
        List<String> params = new ArrayList<>();
        List<int[]> pairs = new ArrayList<>(first.size());
        for (int i = 0; i < first.size(); i++) {
            int a = slot(first.get(i), slots, texts, params);
            int b = slot(second.get(i), slots, texts, params);
            pairs.add(new int[]{a, b});
        }
        return new ScoringPlan(texts, params, pairs);
    }

    private static int slot(Text text, Map<String, Integer> slots, List<String> texts, List<String> params) {
        Integer known = slots.get(text.text());
        if (known != null) {
            return known;
        }
        slots.put(text.text(), texts.size());
        texts.add(text.text());
        params.add(text.param());
        return texts.size() - 1;
    }

    /** The cosine similarity of each pair, given one embedding per text (in {@link #texts()} order). */
    double[] scores(float[][] vectors) {
        if (vectors.length != texts.size()) {
            throw new IllegalArgumentException("expected " + texts.size() + " vectors, got " + vectors.length);
        }
        double[] scores = new double[pairs.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = cosine(vectors[pairs.get(i)[0]], vectors[pairs.get(i)[1]]);
        }
        return scores;
    }

    /** Cosine similarity; 0 when either vector is all zeros. The encoder's vectors are unit length already. */
    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
        }
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0 : dot / Math.sqrt(aa * bb);
    }
}
