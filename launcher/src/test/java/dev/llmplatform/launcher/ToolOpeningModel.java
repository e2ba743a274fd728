package dev.llmplatform.launcher;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.llama.LlamaWeights;
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

/**
 * A tiny decoder built (not trained) to open a Hermes tool call and then write no call at all: whatever the
 * conversation, its greedy answer is {@value #OUTPUT} and then {@code <|im_end|>}. Under {@code tool_choice: auto}
 * the guard must turn what follows {@code <tool_call>} into a valid call; unguarded it stays that text. Built as
 * {@link ThinkingModel} is (each token's logits depend on that token alone), {@code <tool_call>} and
 * {@code </tool_call>} added as non-special tokens, and {@code </tool_call>} followed by {@code <|im_end|>}.
 */
final class ToolOpeningModel {

    static final String NAME = "tiny-tool-opener";
    static final String OUTPUT = "<tool_call>Sure thing!";
    static final String TEMPLATE = "{%- for message in messages %}"
            + "{{- '<|im_start|>' + message['role'] + '\\n' + (message['content'] or '') + '<|im_end|>' + '\\n' }}"
            + "{%- endfor %}"
            + "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";
    private static final int HIDDEN = 64;

    private ToolOpeningModel() {
    }

    /** Writes the model into the store as {@value #NAME} version 1 (Hermes, the default parser). */
    static ModelPackage write(Path storeDir) {
        try {
            Path work = Files.createTempDirectory("tool-opener-tokenizer-");
            int vocab = writeTokenizer(work);
            HfTokenizer tokenizer = HfTokenizer.load(work.resolve(TokenizerFiles.TOKENIZER_JSON), 256);
            ModelConfig config = ModelConfig.llama(1, 4, 2, HIDDEN, HIDDEN, vocab, 256,
                    SpecialTokens.BOS_ID, SpecialTokens.EOS_ID, false);
            LlamaWeights weights = ThinkingModel.weights(config, chain(tokenizer));
            return ModelPackageWriter.write(new ModelStore(storeDir), NAME, "1", "decoder", config.parameterCount(), null,
                    Map.of(), "Built to open a tool call: " + OUTPUT, dir -> {
                        LlamaOnnxWriter.write(weights, dir.resolve(ModelPackage.MODEL), LlamaOnnxWriter.Options.DEFAULT);
                        ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), config);
                        ModelPackageWriter.writeJson(dir.resolve(ModelPackage.GENERATION_CONFIG),
                                Map.of("do_sample", false, "bos_token_id", 0, "eos_token_id", 0));
                        for (String file : List.of(TokenizerFiles.TOKENIZER_JSON, TokenizerFiles.TOKENIZER_CONFIG_JSON)) {
                            Files.copy(work.resolve(file), dir.resolve(file));
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int writeTokenizer(Path dir) throws IOException {
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            corpus.add("Sure thing!\n\n");
            corpus.add("user\nPick a mood.\n\nassistant\n");
        }
        TokenizerFiles files = ByteLevelBpeTrainer.train(corpus, 400);
        files.write(dir);
        ObjectNode json = (ObjectNode) Messages.mapper().readTree(files.tokenizerJson());
        ObjectNode vocabulary = (ObjectNode) json.get("model").get("vocab");
        ArrayNode added = (ArrayNode) json.get("added_tokens");
        ObjectNode config = (ObjectNode) Messages.mapper().readTree(files.tokenizerConfigJson());
        ObjectNode decoderTable = (ObjectNode) config.get("added_tokens_decoder");
        int id = files.vocabSize();
        for (String tag : List.of("<tool_call>", "</tool_call>")) {
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

    /** The prompt's last token opens the call, the output follows token by token; a closed call ends the answer. */
    private static Map<Integer, Integer> chain(HfTokenizer tokenizer) {
        String prompt = new ChatTemplate(TEMPLATE, SpecialTokens.END_OF_TEXT, SpecialTokens.END_OF_TEXT)
                .render(List.of(new ChatMessage("user", "Pick a mood.")), true, null);
        int[] rendered = tokenizer.encode(prompt);
        int[] output = tokenizer.encode(OUTPUT);
        int[] close = tokenizer.encode("</tool_call>");
        Map<Integer, Integer> next = new LinkedHashMap<>();
        ThinkingModel.link(next, rendered[rendered.length - 1], output[0]);
        for (int i = 0; i + 1 < output.length; i++) {
            ThinkingModel.link(next, output[i], output[i + 1]);
        }
        ThinkingModel.link(next, output[output.length - 1], SpecialTokens.IM_END_ID);
        ThinkingModel.link(next, close[close.length - 1], SpecialTokens.IM_END_ID);
        return next;
    }
}
