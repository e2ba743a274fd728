package dev.llmplatform.tokenizer;

import dev.llmplatform.tokenizer.bpe.ByteLevelBpeTrainer;
import dev.llmplatform.tokenizer.bpe.TokenizerFiles;
import dev.llmplatform.tokenizer.text.HfTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A small deterministic corpus (English and Chinese) and one tokenizer trained on it, shared by tests. */
public final class TestTokenizers {

    public static final int VOCAB_SIZE = 800;

    private static final String[] ENGLISH = ("the model learns to predict the next token and the attention "
            + "of each layer looks at earlier tokens in the sequence while training on text with a small batch "
            + "of data from the corpus so that loss goes down and quality goes up for every step we take").split(" ");
    private static final String[] CHINESE = {"模型", "学习", "预测", "下一个", "词元", "注意力", "每一层", "训练", "数据", "语言"};

    private static TokenizerFiles files;
    private static HfTokenizer tokenizer;

    private TestTokenizers() {
    }

    /** {@code documents} sentences mixing both languages, the same for the same seed. */
    public static List<String> corpus(int documents, long seed) {
        Random random = new Random(seed);
        List<String> corpus = new ArrayList<>();
        for (int d = 0; d < documents; d++) {
            StringBuilder sb = new StringBuilder();
            int words = 6 + random.nextInt(10);
            for (int w = 0; w < words; w++) {
                if (random.nextInt(4) == 0) {
                    sb.append(CHINESE[random.nextInt(CHINESE.length)]);
                } else {
                    sb.append(w == 0 ? "" : " ").append(ENGLISH[random.nextInt(ENGLISH.length)]);
                }
            }
            corpus.add(sb.append(random.nextBoolean() ? ".\n" : "。\n").toString());
        }
        return corpus;
    }

    public static synchronized TokenizerFiles files() {
        if (files == null) {
            files = ByteLevelBpeTrainer.train(corpus(3000, 7), VOCAB_SIZE);
        }
        return files;
    }

    public static synchronized HfTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = load(files());
        }
        return tokenizer;
    }

    public static HfTokenizer load(TokenizerFiles trained) {
        try {
            Path dir = Files.createTempDirectory("tokenizer-test");
            dir.toFile().deleteOnExit();
            Path json = trained.write(dir);
            json.toFile().deleteOnExit();
            dir.resolve(TokenizerFiles.TOKENIZER_CONFIG_JSON).toFile().deleteOnExit();
            return HfTokenizer.load(json, 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
