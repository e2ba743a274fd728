package dev.llmplatform.launcher.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small seeded multilingual text to train the default model's tokenizer on: English
 * sentences, Chinese (the project's seed text; three-byte UTF-8 characters), and emoji
 * (four bytes), so byte-level merges across multi-byte characters exist from the start.
 */
final class SeedText {

    private static final String[] SUBJECTS = {"The animal", "The cat", "A child", "The teacher", "My friend", "The robot"};
    private static final String[] VERBS = {"crossed", "watched", "painted", "found", "carried", "followed"};
    private static final String[] OBJECTS = {"the street", "a river", "the old house", "a small box", "the garden", "the moon"};
    private static final String[] ENDINGS = {"because it was tired.", "because it was wide.", "and smiled.",
            "before the rain came.", "in the morning.", "with great care."};
    private static final String[] CHINESE = {"今天天气很好。", "我们一起去公园散步。", "语言模型预测下一个词。",
            "这只动物没有过马路，因为它太累了。", "春眠不觉晓，处处闻啼鸟。"};
    private static final String[] EMOJI = {"🙂", "🚀", "🌧️", "🐱", "👍🏽", "❤️"};

    private SeedText() {
    }

    static List<String> documents(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> docs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder doc = new StringBuilder();
            int sentences = 2 + random.nextInt(4);
            for (int s = 0; s < sentences; s++) {
                doc.append(pick(SUBJECTS, random)).append(' ').append(pick(VERBS, random)).append(' ')
                        .append(pick(OBJECTS, random)).append(' ').append(pick(ENDINGS, random)).append(' ');
                if (random.nextInt(4) == 0) {
                    doc.append(pick(CHINESE, random)).append(' ');
                }
                if (random.nextInt(5) == 0) {
                    doc.append(pick(EMOJI, random)).append(' ');
                }
            }
            docs.add(doc.toString().trim());
        }
        return docs;
    }

    private static String pick(String[] options, SplittableRandom random) {
        return options[random.nextInt(options.length)];
    }
}
