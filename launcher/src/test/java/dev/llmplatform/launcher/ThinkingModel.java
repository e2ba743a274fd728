package dev.llmplatform.launcher;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.tokenizer.bpe.ByteLevelBpeTrainer;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import dev.llmplatform.tokenizer.bpe.TokenizerFiles;
import dev.llmplatform.tokenizer.text.ChatTemplate;
import dev.llmplatform.tokenizer.text.HfTokenizer;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A tiny decoder that thinks, built (not trained) for the reasoning tests: whatever the conversation, its greedy
 * answer is {@value #OUTPUT} and then {@code <|im_end|>}; with {@code enable_thinking: false} its Qwen3-style
 * template writes an empty think block and the model answers {@value #ANSWER} straight away.
 *
 * <p>How: one Llama block whose attention and MLP output projections are zero, so the last hidden state is the
 * current token's embedding and the logits depend on that token alone. Embeddings are seeded random vectors; the
 * head's column for token {@code j} is the sum of the unit embeddings of the tokens that must be followed by
 * {@code j}, scaled so the right next token leads by about 30 logits (any sampling is all but greedy). The chain is
 * read off the fixture's own byte-level BPE (trained on the answer's words, with {@code <think>} and
 * {@code </think>} as added, non-special tokens), so it fails loudly if a token would need two successors.
 */
final class ThinkingModel {

    static final String NAME = "tiny-thinker";
    static final String REASONING = "Two and two make four.";
    static final String ANSWER = "The answer is 4!";
    static final String OUTPUT = "<think>" + REASONING + "</think>" + ANSWER;
    /** Qwen3's template in small: ChatML, and an empty think block after the header when thinking is disabled. */
    static final String TEMPLATE = "{%- for message in messages %}"
            + "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{%- endfor %}"
            + "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
            + "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}"
            + "{%- endif %}";
    private static final int HIDDEN = 64;
    private static final float MARGIN = 40f;
    private static final long SEED = 20261206L;

    private ThinkingModel() {
    }

    /** The fixture before it is written: its tokenizer files (in {@code tokenizerDir}), config and weights. */
    record Built(Path tokenizerDir, HfTokenizer tokenizer, ModelConfig config, LlamaWeights weights) {
    }

    static Built build() {
        try {
            Path work = Files.createTempDirectory("thinking-tokenizer-");
            int vocab = writeTokenizer(work);
            HfTokenizer tokenizer = HfTokenizer.load(work.resolve(TokenizerFiles.TOKENIZER_JSON), 256);
            ModelConfig config = ModelConfig.llama(1, 4, 2, HIDDEN, HIDDEN, vocab, 256,
                    SpecialTokens.BOS_ID, SpecialTokens.EOS_ID, false);
            return new Built(work, tokenizer, config, weights(config, chain(tokenizer)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the model into the store as {@value #NAME} version 1, with {@code {"reasoning_parser": "qwen3"}}. */
    static ModelPackage write(Path storeDir) {
        Built built = build();
        ModelConfig config = built.config();
        return ModelPackageWriter.write(new ModelStore(storeDir), NAME, "1", "decoder", config.parameterCount(), null,
                Map.of(), "Built to think: " + OUTPUT, dir -> {
                    LlamaOnnxWriter.write(built.weights(), dir.resolve(ModelPackage.MODEL), LlamaOnnxWriter.Options.DEFAULT);
                    ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), config);
                    ModelPackageWriter.writeJson(dir.resolve(ModelPackage.GENERATION_CONFIG),
                            Map.of("do_sample", false, "bos_token_id", 0, "eos_token_id", 0));
                    for (String file : List.of(TokenizerFiles.TOKENIZER_JSON, TokenizerFiles.TOKENIZER_CONFIG_JSON)) {
                        Files.copy(built.tokenizerDir().resolve(file), dir.resolve(file));
                    }
                    Files.writeString(dir.resolve("llm-platform.json"), "{\"reasoning_parser\": \"qwen3\"}\n");
                });
    }

    /** The conversation as the fixture's template renders it (what the tokenizer-service renders too). */
    static String render(List<ChatMessage> messages, Map<String, Object> kwargs) {
        return new ChatTemplate(TEMPLATE, SpecialTokens.END_OF_TEXT, SpecialTokens.END_OF_TEXT).render(messages, true, kwargs);
    }

    /** A byte-level BPE trained on the answer's words, plus {@code <think>}/{@code </think>}; returns the vocabulary size. */
    private static int writeTokenizer(Path dir) throws IOException {
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            corpus.add(REASONING + " " + ANSWER + "\n\n");
            corpus.add("user\nWhat is two and two?\n\nassistant\n");
        }
        TokenizerFiles files = ByteLevelBpeTrainer.train(corpus, 400);
        files.write(dir);
        ObjectNode json = (ObjectNode) Messages.mapper().readTree(files.tokenizerJson());
        ObjectNode vocabulary = (ObjectNode) json.get("model").get("vocab");
        ArrayNode added = (ArrayNode) json.get("added_tokens");
        ObjectNode config = (ObjectNode) Messages.mapper().readTree(files.tokenizerConfigJson());
        ObjectNode decoderTable = (ObjectNode) config.get("added_tokens_decoder");
        int id = files.vocabSize();
        for (String tag : List.of("<think>", "</think>")) {
            vocabulary.put(tag, id);
            ObjectNode token = added.addObject();
            token.put("id", id).put("content", tag).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", false);
            ObjectNode entry = token.deepCopy();
            entry.remove("id");
            decoderTable.set(String.valueOf(id), entry);
            id++;
        }
        config.put("chat_template", TEMPLATE);
        Files.writeString(dir.resolve(TokenizerFiles.TOKENIZER_JSON), Messages.mapper().writeValueAsString(json));
        Files.writeString(dir.resolve(TokenizerFiles.TOKENIZER_CONFIG_JSON), Messages.mapper().writeValueAsString(config));
        return id;
    }

    /** Which token must follow which: the prompts' last tokens, then the output token by token, then {@code <|im_end|>}. */
    private static Map<Integer, Integer> chain(HfTokenizer tokenizer) {
        List<ChatMessage> any = List.of(new ChatMessage("user", "What is two and two?"));
        int[] thinking = tokenizer.encode(render(any, null));
        int[] direct = tokenizer.encode(render(any, Map.of("enable_thinking", false)));
        int[] output = tokenizer.encode(OUTPUT);
        int[] answer = tokenizer.encode(ANSWER);
        Map<Integer, Integer> next = new LinkedHashMap<>();
        link(next, thinking[thinking.length - 1], output[0]);
        link(next, direct[direct.length - 1], answer[0]);
        for (int i = 0; i + 1 < output.length; i++) {
            link(next, output[i], output[i + 1]);
        }
        link(next, output[output.length - 1], SpecialTokens.IM_END_ID);
        return next;
    }

    static void link(Map<Integer, Integer> next, int from, int to) {
        Integer before = next.putIfAbsent(from, to);
        if (before != null && before != to) {
            throw new IllegalStateException("token " + from + " would need two successors (" + before + ", " + to
                    + "): the fixture's text repeats a token");
        }
    }

    /** Attention and MLP write nothing; the head maps each token's embedding to its successor (also for {@link ToolOpeningModel}). */
    static LlamaWeights weights(ModelConfig config, Map<Integer, Integer> next) {
        int vocab = config.vocabSize();
        LlamaWeights base = RandomLlama.create(config, SEED);
        SplittableRandom random = new SplittableRandom(SEED);
        float[] embedding = new float[vocab * HIDDEN];
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = (float) random.nextGaussian();
        }
        float[] head = new float[HIDDEN * vocab];
        float perUnit = MARGIN / (float) Math.sqrt(HIDDEN);   // RMSNorm scales a unit vector by sqrt(hidden)
        next.forEach((from, to) -> {
            double norm = 0;
            for (int k = 0; k < HIDDEN; k++) {
                norm += embedding[from * HIDDEN + k] * embedding[from * HIDDEN + k];
            }
            float inverse = (float) (1 / Math.sqrt(norm));
            for (int k = 0; k < HIDDEN; k++) {
                head[k * vocab + to] += perUnit * embedding[from * HIDDEN + k] * inverse;
            }
        });
        List<LlamaWeights.Layer> layers = base.layers().stream().map(l -> new LlamaWeights.Layer(l.inputNorm(), l.wq(),
                l.wk(), l.wv(), new float[l.wo().length], l.postAttentionNorm(), l.wGate(), l.wUp(),
                new float[l.wDown().length])).toList();
        return new LlamaWeights(config, embedding, layers, base.finalNorm(), head);
    }
}
