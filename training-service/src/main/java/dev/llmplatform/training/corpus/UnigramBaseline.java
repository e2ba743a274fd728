package dev.llmplatform.training.corpus;

/**
 * The loss a model would get by ignoring context altogether: cross-entropy of held-out tokens
 * under the training tokens' frequencies (add-one smoothing, so unseen tokens stay finite).
 * A trained model's eval loss must be well below it to show it learned something.
 */
public final class UnigramBaseline {

    private UnigramBaseline() {
    }

    /** Mean of -ln p(token) over {@code eval}, in nats per token. */
    public static double crossEntropy(int[] train, int[] eval, int vocabSize) {
        if (eval.length == 0) {
            throw new IllegalArgumentException("no eval tokens");
        }
        long[] counts = new long[vocabSize];
        for (int token : train) {
            counts[checked(token, vocabSize)]++;
        }
        double denominator = train.length + (double) vocabSize;
        double sum = 0;
        for (int token : eval) {
            sum -= Math.log((counts[checked(token, vocabSize)] + 1) / denominator);
        }
        return sum / eval.length;
    }

    private static int checked(int token, int vocabSize) {
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token " + token + " outside vocabulary of " + vocabSize);
        }
        return token;
    }
}
