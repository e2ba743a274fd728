package dev.llmplatform.tokenizer.hf;

import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.text.HfTokenizer;
import dev.llmplatform.tokenizer.text.IncrementalDecoder;
import dev.llmplatform.tokenizer.text.ModelTokenizer;
import dev.llmplatform.tokenizer.text.TokenizerCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each fixture's tokenizer.json, tokenizer_config.json, config.json and generation_config.json, as
 * Hugging Face wrote them, dropped into a store: the tokenizer-service encodes the prompt to the ids
 * PyTorch's run used, decodes them back, streams text without breaking characters, and sends every
 * end-of-sequence id to the engine.
 */
class HfTokenizerFixturesTest {

    @TempDir
    Path store;

    private ModelTokenizer load(String name) {
        HfFixtures.copyInto(name, store);
        return new TokenizerCache(new ModelStore(store), 4).resolve(name).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "tinyllama", "smollm2", "mistral", "qwen2", "qwen3", "gpt2"})
    void shouldEncodeThePromptToTheIdsHuggingFaceGaveAndDecodeItBack(String name) {
        ModelTokenizer model = load(name);
        JsonNode expected = HfFixtures.json(name, "expected.json");
        int[] promptIds = HfFixtures.ints(expected.get("prompt_ids"));
        String prompt = expected.get("prompt").asString();

        assertThat(model.tokenizer().encode(prompt, expected.path("add_special_tokens").asBoolean(true)))
                .containsExactly(promptIds);
        assertThat(model.tokenizer().decode(promptIds, true)).isEqualTo(prompt);
        assertThat(model.tokenizer().decode(HfFixtures.ints(expected.get("greedy_ids")), true))
                .isEqualTo(expected.get("greedy_text").asString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "tinyllama", "smollm2", "mistral", "qwen2", "qwen3", "gpt2"})
    void shouldSendEveryEndOfSequenceIdOfConfigAndGenerationConfigToTheEngine(String name) {
        ModelTokenizer model = load(name);
        Set<Integer> eos = new LinkedHashSet<>();
        JsonNode config = HfFixtures.json(name, "config.json").path("eos_token_id");
        JsonNode generation = HfFixtures.json(name, "generation_config.json").path("eos_token_id");
        for (JsonNode ids : List.of(config, generation)) {
            if (ids.isArray()) {
                ids.forEach(id -> eos.add(id.asInt()));
            } else if (ids.isNumber()) {
                eos.add(ids.asInt());
            }
        }

        assertThat(model.stopTokenIds(false)).containsExactlyInAnyOrderElementsOf(eos);
        assertThat(model.stopTokenIds(true)).containsAll(eos);
        int context = HfFixtures.json(name, "config.json").path("max_position_embeddings")
                .asInt(HfFixtures.json(name, "config.json").path("n_positions").asInt());
        int tokenizerMax = (int) Math.min(Integer.MAX_VALUE,
                HfFixtures.json(name, "tokenizer_config.json").path("model_max_length").asDouble(Integer.MAX_VALUE));
        assertThat(model.maxModelLength()).isEqualTo(Math.min(context, tokenizerMax));
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "tinyllama", "smollm2", "mistral", "qwen2", "qwen3", "gpt2"})
    void shouldStreamTextTokenByTokenAsTheWholeDecodesWithoutBreakingCharacters(String name) {
        ModelTokenizer model = load(name);
        HfTokenizer tokenizer = model.tokenizer();
        JsonNode expected = HfFixtures.json(name, "expected.json");
        // Characters a small vocabulary lacks come as byte tokens: long runs of them (byte fallback) across
        // the 8-token context window, split emoji, accents.
        String text = expected.get("prompt").asString() + " café 模型学习预测下一个词元 🎉👍🏽 naïve";
        int[] ids = tokenizer.encode(text);
        boolean lossless = tokenizer.decode(ids, true).equals(text);
        int[] stream = lossless ? ids : concat(HfFixtures.ints(expected.get("prompt_ids")),
                HfFixtures.ints(expected.get("greedy_ids")));

        IncrementalDecoder decoder = new IncrementalDecoder(part -> tokenizer.decode(part, true));
        int context = IncrementalDecoder.contextTokensFor(List.of());
        java.util.Random random = new java.util.Random(name.hashCode());
        for (int trial = 0; trial < 4; trial++) {
            StringBuilder streamed = new StringBuilder();
            for (int offset = 0; offset < stream.length; ) {
                int end = Math.min(stream.length, offset + (trial == 0 ? 1 : 1 + random.nextInt(3)));
                List<Integer> before = boxed(Arrays.copyOfRange(stream, Math.max(0, offset - context), offset));
                IncrementalDecoder.Step step = decoder.next(before, boxed(Arrays.copyOfRange(stream, offset, end)),
                        List.of(), end == stream.length);
                assertThat(step.text()).as("tokens %d..%d", offset, end).doesNotContain("\uFFFD");
                streamed.append(step.text());
                offset = end;
            }
            assertThat(streamed.toString()).isEqualTo(tokenizer.decode(stream, true));
        }
        if (List.of(HfFixtures.ALL).contains(name)) {
            assertThat(lossless).as("byte-level and byte-fallback tokenizers keep any text").isTrue();
        }
    }

    @Test
    void shouldSkipTokensThatTokenizerConfigMarksSpecialEvenWhereTokenizerJsonDoesNot() throws Exception {
        HfFixtures.copyInto("llama3", store);
        Path json = store.resolve("llama3/main/tokenizer.json");
        String unflagged = Files.readString(json).replaceAll(
                "(\\{[^{}]*\"content\"\\s*:\\s*\"<\\|eot_id\\|>\"[^{}]*\"special\"\\s*:\\s*)true", "$1false");
        assertThat(unflagged).isNotEqualTo(Files.readString(json));
        Files.writeString(json, unflagged);
        ModelTokenizer model = new TokenizerCache(new ModelStore(store), 4).resolve("llama3").orElseThrow();
        int[] ids = model.tokenizer().encode("Hi<|eot_id|>");

        assertThat(ids).contains(465);
        assertThat(model.tokenizer().decode(ids, false)).isEqualTo("Hi<|eot_id|>");
        assertThat(model.tokenizer().decode(ids, true)).isEqualTo("Hi");
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<Integer> boxed(int[] ids) {
        List<Integer> list = new ArrayList<>(ids.length);
        for (int id : ids) {
            list.add(id);
        }
        return list;
    }
}
