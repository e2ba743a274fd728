package dev.llmplatform.training.corpus;

import dev.llmplatform.contracts.TrainingSpec;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Turns a job's dataset spec into its documents: {@code synthetic} (the seeded generator, held-out
 * documents from the same generator under another seed), {@code synthetic-tools} (the same stories with every other
 * document a {@link ToolConversations tool-use chat}) or {@code files} (text under the allowed dataset root, the last
 * 5% of documents held out).
 */
public final class Datasets {

    public static final String SYNTHETIC = "synthetic";
    public static final String SYNTHETIC_TOOLS = "synthetic-tools";
    public static final String FILES = "files";
    public static final int DEFAULT_SYNTHETIC_DOCUMENTS = 2_000;
    public static final double HELD_OUT_FRACTION = 0.05;
    /** Enough held-out documents for a steady eval loss even when the training set is small. */
    private static final int MIN_SYNTHETIC_HELD_OUT = 16;

    private final TextFiles files;

    public Datasets(TextFiles files) {
        this.files = files;
    }

    /** @param jobSeed used when the dataset names no seed of its own */
    public Corpus load(TrainingSpec.Dataset dataset, long jobSeed) {
        return switch (dataset.type()) {
            case SYNTHETIC -> synthetic(dataset.seed() != null ? dataset.seed() : jobSeed,
                    dataset.documents() != null ? dataset.documents() : DEFAULT_SYNTHETIC_DOCUMENTS);
            case SYNTHETIC_TOOLS -> syntheticWithTools(dataset.seed() != null ? dataset.seed() : jobSeed,
                    dataset.documents() != null ? dataset.documents() : DEFAULT_SYNTHETIC_DOCUMENTS);
            case FILES -> Corpus.holdOutTail(files.documents(dataset.path()), HELD_OUT_FRACTION);
            default -> throw new IllegalArgumentException("unknown dataset type '" + dataset.type() + "'");
        };
    }

    public static Corpus synthetic(long seed, int documents) {
        SyntheticCorpus corpus = new SyntheticCorpus(seed);
        int heldOut = Math.max(MIN_SYNTHETIC_HELD_OUT, (int) Math.ceil(documents * HELD_OUT_FRACTION));
        return new Corpus(corpus.documents(documents), corpus.heldOut().documents(heldOut));
    }

    /** Stories and tool-use chats alternating, held out alike (the chats' held-out seed is the stories' held-out one). */
    public static Corpus syntheticWithTools(long seed, int documents) {
        SyntheticCorpus stories = new SyntheticCorpus(seed);
        int heldOut = Math.max(MIN_SYNTHETIC_HELD_OUT, (int) Math.ceil(documents * HELD_OUT_FRACTION));
        return new Corpus(alternate(stories, new ToolConversations(seed), documents),
                alternate(stories.heldOut(), new ToolConversations(stories.heldOut().seed()), heldOut));
    }

    private static List<String> alternate(SyntheticCorpus stories, ToolConversations chats, int count) {
        return IntStream.range(0, count).mapToObj(i -> i % 2 == 0 ? stories.document(i) : chats.document(i)).toList();
    }
}
