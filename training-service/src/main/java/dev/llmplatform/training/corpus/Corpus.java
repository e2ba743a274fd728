package dev.llmplatform.training.corpus;

import java.util.List;

/** The documents of one job: those it trains on, and held-out ones for its eval loss. */
public record Corpus(List<String> train, List<String> eval) {

    public Corpus {
        train = List.copyOf(train);
        eval = List.copyOf(eval);
        if (train.isEmpty() || eval.isEmpty()) {
            throw new IllegalArgumentException("a corpus needs training and held-out documents");
        }
    }

    /** The last {@code fraction} of the documents (at least one) held out, the rest for training. */
    public static Corpus holdOutTail(List<String> documents, double fraction) {
        if (documents.size() < 2) {
            throw new IllegalArgumentException("the dataset has " + documents.size()
                    + " document(s); it needs at least 2 (one is held out for evaluation)");
        }
        int held = Math.clamp(Math.round(documents.size() * fraction), 1, documents.size() - 1);
        int split = documents.size() - held;
        return new Corpus(documents.subList(0, split), documents.subList(split, documents.size()));
    }
}
