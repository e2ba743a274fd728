package dev.llmplatform.inference.engine.sampling;

import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.contracts.TokenLogprob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Picks the next token from one position's logits, in this order (as Hugging Face and vLLM do):
 * <ol>
 *   <li>{@code logit_bias} is added;</li>
 *   <li>repetition penalty (tokens of prompt and output: positive logits divided, negative multiplied),
 *       then frequency and presence penalties (output tokens only, OpenAI's formula);</li>
 *   <li>an output constraint's mask (structured output): tokens it does not allow get {@code -inf}, so
 *       temperature, top-k/top-p/min-p and the draw only ever see allowed tokens;</li>
 *   <li>temperature 0 (or top-k 1) takes the arg-max, lowest id on ties;</li>
 *   <li>otherwise logits are divided by the temperature and softmaxed, then top-k, top-p (on what top-k kept)
 *       and min-p (relative to the most likely token) filter, and a token is drawn from the renormalised
 *       rest with the request's own random stream.</li>
 * </ol>
 * <b>Logprobs rule:</b> log-probabilities (of the chosen token and of the top alternatives) are the
 * log-softmax of the model's raw logits, before bias, penalties, temperature and filtering, like vLLM's
 * default {@code raw_logprobs}: they describe the model, not the sampling settings.
 */
public final class Sampler {

    /** Most alternatives per token a request may ask for, as in OpenAI's API. */
    public static final int MAX_TOP_LOGPROBS = 20;

    private Sampler() {
    }

    /** Samples one token and records it in {@code state}. {@code logits} is left untouched. */
    private static final int[] NO_TOKENS = new int[0];

    public static SampledToken sample(float[] logits, SamplingParams params, SamplingState state) {
        return sample(logits, params, state, NO_TOKENS);
    }

    /**
     * @param suppressed ids that cannot be picked whatever their logit, bias or penalty (stop tokens
     *                   before {@code min_tokens}); their log-probabilities are still reported raw
     */
    public static SampledToken sample(float[] logits, SamplingParams params, SamplingState state, int[] suppressed) {
        return sample(logits, params, state, suppressed, null);
    }

    /**
     * @param allowed null, or the tokens an output constraint allows (bit {@code id} of word {@code id >> 6});
     *                when {@code suppressed} would leave none of them, the constraint wins (its stop token
     *                ends a complete output even before {@code min_tokens})
     */
    public static SampledToken sample(float[] logits, SamplingParams params, SamplingState state, int[] suppressed,
                                      long[] allowed) {
        float[] work = logits.clone();
        applyLogitBias(work, params.logitBias());
        applyPenalties(work, params, state);
        if (allowed != null) {
            applyMask(work, allowed);
        }
        float[] beforeSuppression = allowed != null && suppressed.length > 0 ? work.clone() : null;
        for (int id : suppressed) {
            if (id >= 0 && id < work.length) {
                work[id] = Float.NEGATIVE_INFINITY;
            }
        }
        if (beforeSuppression != null && work[argmax(work)] == Float.NEGATIVE_INFINITY) {
            work = beforeSuppression;
        }
        int chosen = params.isGreedy() || params.topK() == 1
                ? argmax(work)
                : draw(work, params, state);
        state.accept(chosen);
        TokenLogprob logprob = params.logprobs() == null ? null : rawLogprob(logits, chosen, params.logprobs());
        return new SampledToken(chosen, logprob);
    }

    static void applyLogitBias(float[] logits, Map<Integer, Double> bias) {
        for (Map.Entry<Integer, Double> e : bias.entrySet()) {
            int id = e.getKey();
            if (id >= 0 && id < logits.length) {
                logits[id] += e.getValue().floatValue();
            }
        }
    }

    /** Every token outside {@code allowed} gets {@code -inf}. */
    static void applyMask(float[] logits, long[] allowed) {
        for (int base = 0; base < logits.length; base += 64) {
            int end = Math.min(base + 64, logits.length);
            long bits = (base >> 6) < allowed.length ? allowed[base >> 6] : 0;
            if (bits == -1L) {
                continue;   // all 64 allowed
            }
            if (bits == 0) {
                Arrays.fill(logits, base, end, Float.NEGATIVE_INFINITY);
                continue;
            }
            for (int i = base; i < end; i++) {
                if ((bits & (1L << i)) == 0) {
                    logits[i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    static void applyPenalties(float[] logits, SamplingParams params, SamplingState state) {
        float repetition = (float) params.repetitionPenalty();
        if (repetition != 1f) {
            for (int id : state.seenTokens()) {
                if (id >= 0 && id < logits.length) {
                    logits[id] = logits[id] > 0 ? logits[id] / repetition : logits[id] * repetition;
                }
            }
        }
        double frequency = params.frequencyPenalty();
        double presence = params.presencePenalty();
        if (frequency != 0 || presence != 0) {
            for (Map.Entry<Integer, Integer> e : state.outputCounts().entrySet()) {
                int id = e.getKey();
                if (id >= 0 && id < logits.length) {
                    logits[id] -= (float) (e.getValue() * frequency + presence);
                }
            }
        }
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Temperature, softmax, top-k, top-p, min-p, then one draw from what is left. */
    static int draw(float[] logits, SamplingParams params, SamplingState state) {
        int vocab = logits.length;
        double invTemperature = 1.0 / params.temperature();
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l * invTemperature);
        }
        double[] probs = new double[vocab];
        for (int i = 0; i < vocab; i++) {
            probs[i] = Math.exp(logits[i] * invTemperature - max);
        }
        int[] order = descendingOrder(probs);
        int kept = vocab;
        if (params.topK() > 0) {
            kept = Math.min(kept, params.topK());
        }
        if (params.topP() < 1.0) {
            double total = 0;
            for (int i = 0; i < kept; i++) {
                total += probs[order[i]];
            }
            double cumulative = 0;
            for (int i = 0; i < kept; i++) {
                cumulative += probs[order[i]] / total;
                if (cumulative >= params.topP()) {
                    kept = i + 1;
                    break;
                }
            }
        }
        if (params.minP() > 0) {
            double threshold = params.minP() * probs[order[0]];
            int i = 1;
            while (i < kept && probs[order[i]] >= threshold) {
                i++;
            }
            kept = i;
        }
        double total = 0;
        for (int i = 0; i < kept; i++) {
            total += probs[order[i]];
        }
        double target = state.random().nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += probs[order[i]];
            if (target < cumulative) {
                return order[i];
            }
        }
        return order[kept - 1];
    }

    /** Indices by descending value, lower index first on ties. */
    static int[] descendingOrder(double[] values) {
        long[] packed = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            // Non-negative floats order like their bit patterns; the low half breaks ties by index.
            long bits = Float.floatToIntBits((float) values[i]);
            packed[i] = (bits << 32) | (Integer.MAX_VALUE - i);
        }
        Arrays.sort(packed);
        int[] order = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            order[i] = Integer.MAX_VALUE - (int) packed[values.length - 1 - i];
        }
        return order;
    }

    /** Log-probability of {@code tokenId} and the {@code topN} most likely tokens: log-softmax of raw logits. */
    public static TokenLogprob logprobOf(float[] logits, int tokenId, int topN) {
        return rawLogprob(logits, tokenId, topN);
    }

    static TokenLogprob rawLogprob(float[] logits, int chosen, int topN) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logSumExp = max + Math.log(sum);
        int n = Math.min(Math.min(topN, MAX_TOP_LOGPROBS), logits.length);
        List<TokenLogprob.Alternative> top = new ArrayList<>(n);
        for (int id : topIndices(logits, n)) {
            top.add(new TokenLogprob.Alternative(id, logits[id] - logSumExp));
        }
        return new TokenLogprob(chosen, logits[chosen] - logSumExp, top);
    }

    /** The {@code n} largest values' indices, largest first, lower index first on ties. */
    static int[] topIndices(float[] values, int n) {
        int[] top = new int[n];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            if (size == n && (n == 0 || values[i] <= values[top[n - 1]])) {
                continue;
            }
            int pos = size < n ? size++ : n - 1;
            while (pos > 0 && values[top[pos - 1]] < values[i]) {
                top[pos] = top[pos - 1];
                pos--;
            }
            top[pos] = i;
        }
        return top;
    }
}
