package dev.llmplatform.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The prompts of a serving run: one per request, each its own, of a fixed token length. */
final class ServePrompts {

    private static final String[] WORDS = {"the", "cat", "dog", "sat", "on", "a", "mat", "near", "Tom", "and", "Anna",
            "because", "it", "was", "too", "big", "small", "river", "horse", "key", "found", "her", "book", "lamp", "box"};

    private ServePrompts() {
    }

    /**
     * vLLM's random dataset in spirit: a different prompt of exactly {@code --input-len} tokens per request
     * (seeded words, cut with the server's own tokenizer). A server without this platform's
     * {@code /v1/tokenize} gets prompts of that many words instead, and the input lengths come from its usage.
     */
    static List<ServeLoad.Request> requests(SseLoad tokenizer, Args args, boolean needIds) throws Exception {
        int n = args.integer("num-prompts", 128);
        int inputLen = args.integer("input-len", 32);
        int outputLen = args.integer("output-len", 64);
        long seed = args.integer("seed", 0);
        List<ServeLoad.Request> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int promptSeed = (int) (seed * 100_003 + i);
            try {
                String text = PlatformBench.promptOf(tokenizer, inputLen, promptSeed);
                int[] ids = tokenizer.tokenize(text).stream().mapToInt(Integer::intValue).toArray();
                requests.add(new ServeLoad.Request(text, ids, ids.length, outputLen));
            } catch (RuntimeException | IOException e) {
                if (needIds) {
                    throw e;
                }
                if (i == 0) {
                    System.out.println("no /v1/tokenize (" + e.getMessage() + "): prompts of " + inputLen + " words");
                }
                SplittableRandom random = new SplittableRandom(promptSeed);
                StringBuilder text = new StringBuilder();
                for (int w = 0; w < inputLen; w++) {
                    text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
                }
                requests.add(new ServeLoad.Request(text.toString(), null, inputLen, outputLen));
            }
        }
        return requests;
    }
}
