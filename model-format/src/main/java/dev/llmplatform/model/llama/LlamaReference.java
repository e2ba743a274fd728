package dev.llmplatform.model.llama;

import dev.llmplatform.model.ModelConfig;

/**
 * Plain-Java forward pass of a Llama-style decoder: slow and obvious, the oracle the ONNX
 * graph and the engine are tested against. Activations are kept in {@code double}, so the
 * only rounding that matters is the float32 of the weights themselves.
 *
 * <p>Per layer: RMSNorm → q, k, v → rotary positions on q and k (Hugging Face "rotate half")
 * → causal softmax attention with grouped-query heads → output projection → residual →
 * RMSNorm → SwiGLU MLP → residual. Then a final RMSNorm and the LM head (the embedding,
 * transposed, when tied).
 */
public final class LlamaReference {

    /**
     * Everything one forward pass computes that a test may want to compare.
     *
     * @param logits     [tokens][vocab]
     * @param attentions [layer][head][query][key], softmax probabilities (zero for future keys)
     */
    public record Forward(float[][] logits, float[][][][] attentions) {
    }

    private LlamaReference() {
    }

    /** Logits for every position of one sequence: [tokens.length][vocab]. Positions are 0..n-1. */
    public static float[][] logits(LlamaWeights weights, int[] tokens) {
        return forward(weights, tokens).logits();
    }

    /** Logits and attention probabilities of every layer for one sequence at positions 0..n-1. */
    public static Forward forward(LlamaWeights weights, int[] tokens) {
        ModelConfig c = weights.config();
        int n = tokens.length;
        int h = c.hidden();
        int kvDim = c.kvHeads() * c.headDim();
        double[][] x = new double[n][h];
        for (int t = 0; t < n; t++) {
            int token = tokens[t];
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token " + token + " outside vocabulary of " + c.vocabSize());
            }
            for (int j = 0; j < h; j++) {
                x[t][j] = weights.embedding()[token * h + j];
            }
        }
        float[][][][] attentions = new float[c.layers()][][][];
        for (int l = 0; l < c.layers(); l++) {
            LlamaWeights.Layer layer = weights.layers().get(l);
            double[][] normed = rmsNorm(x, layer.inputNorm(), c.rmsNormEps());
            double[][] q = matmul(normed, layer.wq(), h);
            double[][] k = matmul(normed, layer.wk(), kvDim);
            double[][] v = matmul(normed, layer.wv(), kvDim);
            rope(q, c.heads(), c.headDim(), c.ropeTheta());
            rope(k, c.kvHeads(), c.headDim(), c.ropeTheta());
            attentions[l] = new float[c.heads()][n][n];
            double[][] context = attention(q, k, v, c, attentions[l]);
            addInPlace(x, matmul(context, layer.wo(), h));

            double[][] normed2 = rmsNorm(x, layer.postAttentionNorm(), c.rmsNormEps());
            double[][] gate = matmul(normed2, layer.wGate(), c.intermediate());
            double[][] up = matmul(normed2, layer.wUp(), c.intermediate());
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < c.intermediate(); j++) {
                    gate[t][j] = silu(gate[t][j]) * up[t][j];
                }
            }
            addInPlace(x, matmul(gate, layer.wDown(), h));
        }
        double[][] last = rmsNorm(x, weights.finalNorm(), c.rmsNormEps());
        return new Forward(lmHead(weights, last), attentions);
    }

    /** x / sqrt(mean(x²) + eps) * w, row by row. */
    static double[][] rmsNorm(double[][] x, float[] weight, double eps) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double sumSquares = 0;
            for (double value : x[t]) {
                sumSquares += value * value;
            }
            double inverseRms = 1.0 / Math.sqrt(sumSquares / x[t].length + eps);
            out[t] = new double[x[t].length];
            for (int j = 0; j < x[t].length; j++) {
                out[t][j] = x[t][j] * inverseRms * weight[j];
            }
        }
        return out;
    }

    /** y = x · W with W row-major [in, out]. */
    static double[][] matmul(double[][] x, float[] w, int out) {
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < x[t].length; i++) {
                double xi = x[t][i];
                int row = i * out;
                for (int o = 0; o < out; o++) {
                    y[t][o] += xi * w[row + o];
                }
            }
        }
        return y;
    }

    /**
     * Rotates each head of each row in place; the row index is the position. Dimension i pairs
     * with i + headDim/2 and turns by position · theta^(-2i/headDim).
     */
    static void rope(double[][] x, int heads, int headDim, double theta) {
        int half = headDim / 2;
        for (int pos = 0; pos < x.length; pos++) {
            for (int head = 0; head < heads; head++) {
                int base = head * headDim;
                for (int i = 0; i < half; i++) {
                    double angle = pos * Math.pow(theta, -2.0 * i / headDim);
                    double cos = Math.cos(angle);
                    double sin = Math.sin(angle);
                    double a = x[pos][base + i];
                    double b = x[pos][base + i + half];
                    x[pos][base + i] = a * cos - b * sin;
                    x[pos][base + i + half] = b * cos + a * sin;
                }
            }
        }
    }

    /** Causal attention; query head h reads kv head h / (heads / kvHeads). Fills probs[head][query][key]. */
    private static double[][] attention(double[][] q, double[][] k, double[][] v, ModelConfig c, float[][][] probs) {
        int n = q.length;
        int headDim = c.headDim();
        int group = c.heads() / c.kvHeads();
        double scale = 1.0 / Math.sqrt(headDim);
        double[][] context = new double[n][c.hidden()];
        for (int head = 0; head < c.heads(); head++) {
            int qBase = head * headDim;
            int kvBase = (head / group) * headDim;
            for (int s = 0; s < n; s++) {
                double[] scores = new double[s + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t <= s; t++) {
                    double dot = 0;
                    for (int j = 0; j < headDim; j++) {
                        dot += q[s][qBase + j] * k[t][kvBase + j];
                    }
                    scores[t] = dot * scale;
                    max = Math.max(max, scores[t]);
                }
                double sum = 0;
                for (int t = 0; t <= s; t++) {
                    scores[t] = Math.exp(scores[t] - max);
                    sum += scores[t];
                }
                for (int t = 0; t <= s; t++) {
                    double p = scores[t] / sum;
                    probs[head][s][t] = (float) p;
                    for (int j = 0; j < headDim; j++) {
                        context[s][qBase + j] += p * v[t][kvBase + j];
                    }
                }
            }
        }
        return context;
    }

    private static float[][] lmHead(LlamaWeights weights, double[][] x) {
        ModelConfig c = weights.config();
        int h = c.hidden();
        int vocab = c.vocabSize();
        float[][] logits = new float[x.length][vocab];
        for (int t = 0; t < x.length; t++) {
            for (int token = 0; token < vocab; token++) {
                double sum = 0;
                for (int j = 0; j < h; j++) {
                    // Tied: the embedding [vocab, hidden] read as its transpose [hidden, vocab].
                    float w = weights.lmHead() == null ? weights.embedding()[token * h + j] : weights.lmHead()[j * vocab + token];
                    sum += x[t][j] * w;
                }
                logits[t][token] = (float) sum;
            }
        }
        return logits;
    }

    private static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    private static void addInPlace(double[][] x, double[][] delta) {
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < x[t].length; j++) {
                x[t][j] += delta[t][j];
            }
        }
    }
}
