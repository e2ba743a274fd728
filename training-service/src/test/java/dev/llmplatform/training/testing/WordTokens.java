package dev.llmplatform.training.testing;

import dev.llmplatform.training.corpus.SyntheticCorpus;
import dev.llmplatform.training.loop.TokenData;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A word-level id mapping for tests (the real pipeline uses byte-level BPE): words and the
 * punctuation marks . and ? are tokens, id 0 ends a document.
 */
public final class WordTokens {

    public static final String END_OF_DOCUMENT = "<eod>";

    private final Map<String, Integer> ids = new TreeMap<>();

    private WordTokens(List<String> words) {
        ids.put(END_OF_DOCUMENT, 0);
        for (String word : words) {
            ids.putIfAbsent(word, ids.size());
        }
    }

    /** The vocabulary of every word in the given documents. */
    public static WordTokens of(List<String> documents) {
        TreeSet<String> words = new TreeSet<>();
        documents.forEach(document -> words.addAll(split(document)));
        return new WordTokens(new ArrayList<>(words));
    }

    /** Train and eval streams from the synthetic corpus (eval from another seed), with their vocabulary. */
    public static Fixture synthetic(long trainSeed, int trainDocuments, long evalSeed, int evalDocuments) {
        List<String> train = new SyntheticCorpus(trainSeed).documents(trainDocuments);
        List<String> eval = new SyntheticCorpus(evalSeed).documents(evalDocuments);
        List<String> all = new ArrayList<>(train);
        all.addAll(eval);
        WordTokens vocabulary = of(all);
        return new Fixture(vocabulary, new TokenData(vocabulary.encode(train), vocabulary.encode(eval)));
    }

    public record Fixture(WordTokens vocabulary, TokenData data) {
    }

    public int size() {
        return ids.size();
    }

    /** The documents' words, each document followed by the end-of-document token. */
    public int[] encode(List<String> documents) {
        List<Integer> tokens = new ArrayList<>();
        for (String document : documents) {
            for (String word : split(document)) {
                Integer id = ids.get(word);
                if (id == null) {
                    throw new IllegalArgumentException("unknown word " + word);
                }
                tokens.add(id);
            }
            tokens.add(0);
        }
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        for (String piece : text.split(" ")) {
            if (piece.endsWith(".") || piece.endsWith("?")) {
                words.add(piece.substring(0, piece.length() - 1));
                words.add(piece.substring(piece.length() - 1));
            } else {
                words.add(piece);
            }
        }
        return words;
    }
}
