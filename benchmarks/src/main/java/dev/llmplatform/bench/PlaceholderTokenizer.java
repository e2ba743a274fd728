package dev.llmplatform.bench;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} with one made-up token per id (byte tokens {@code <0xNN>} at
 * 3..258, {@code t<id>} elsewhere) and no merges. Engines such as Jlama refuse a checkpoint without
 * a tokenizer; random weights have no real one, and the benchmark feeds token ids directly anyway.
 */
final class PlaceholderTokenizer {

    private PlaceholderTokenizer() {
    }

    static void write(ModelConfig c, Path dir) throws IOException {
        Map<Integer, String> special = new LinkedHashMap<>();
        special.put(0, "<unk>");
        if (c.bosTokenId() == c.eosTokenId()) {
            special.put(c.bosTokenId(), "<|endoftext|>");
        } else {
            special.put(c.bosTokenId(), "<s>");
            special.put(c.eosTokenId(), "</s>");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < c.vocabSize(); id++) {
            String token = special.containsKey(id) ? special.get(id)
                    : id >= 3 && id < 259 ? String.format("<0x%02X>", id - 3) : "t" + id;
            vocab.put(token, id);
        }
        List<Map<String, Object>> added = new ArrayList<>();
        special.forEach((id, content) -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", id);
            t.put("content", content);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            added.add(t);
        });
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", "<unk>");
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        model.put("vocab", vocab);
        model.put("merges", List.of());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", "1.0");
        json.put("truncation", null);
        json.put("padding", null);
        json.put("added_tokens", added);
        json.put("normalizer", null);
        json.put("pre_tokenizer", null);
        json.put("post_processor", null);
        json.put("decoder", null);
        json.put("model", model);
        Files.writeString(dir.resolve("tokenizer.json"), Messages.mapper().writeValueAsString(json));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bos_token", special.get(c.bosTokenId()));
        config.put("eos_token", special.get(c.eosTokenId()));
        config.put("unk_token", "<unk>");
        config.put("legacy", false);
        Files.writeString(dir.resolve("tokenizer_config.json"), Messages.mapper().writeValueAsString(config));
    }
}
