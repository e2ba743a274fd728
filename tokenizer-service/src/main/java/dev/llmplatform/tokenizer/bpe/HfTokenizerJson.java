package dev.llmplatform.tokenizer.bpe;

import dev.llmplatform.contracts.Messages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a byte-level BPE as Hugging Face's {@code tokenizer.json} (the GPT-2 layout) and its
 * {@code tokenizer_config.json}, so any Hugging Face tokenizers binding loads them unchanged.
 */
final class HfTokenizerJson {

    private HfTokenizerJson() {
    }

    static String tokenizerJson(List<String> vocabulary, List<MergeLearner.Merge> merges) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        root.put("added_tokens", addedTokens());
        root.put("normalizer", null);
        root.put("pre_tokenizer", byteLevel(false, true));
        root.put("post_processor", byteLevel(false, false));
        root.put("decoder", byteLevel(true, true));
        root.put("model", bpeModel(vocabulary, merges));
        return pretty(root);
    }

    static String tokenizerConfigJson(int modelMaxLength) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("add_bos_token", false);
        config.put("add_eos_token", false);
        config.put("add_prefix_space", false);
        config.put("bos_token", SpecialTokens.END_OF_TEXT);
        config.put("eos_token", SpecialTokens.END_OF_TEXT);
        config.put("pad_token", SpecialTokens.PAD);
        config.put("unk_token", null);
        config.put("additional_special_tokens", List.of(SpecialTokens.IM_START, SpecialTokens.IM_END));
        // Byte-level text must come back byte for byte: no " ." → "." clean-up.
        config.put("clean_up_tokenization_spaces", false);
        config.put("model_max_length", modelMaxLength);
        Map<String, Object> decoderTable = new LinkedHashMap<>();
        for (Map<String, Object> token : addedTokens()) {
            Map<String, Object> entry = new LinkedHashMap<>(token);
            decoderTable.put(String.valueOf(entry.remove("id")), entry);
        }
        config.put("added_tokens_decoder", decoderTable);
        config.put("chat_template", SpecialTokens.CHATML_TEMPLATE);
        return pretty(config);
    }

    private static List<Map<String, Object>> addedTokens() {
        List<Map<String, Object>> tokens = new ArrayList<>();
        for (int id = 0; id < SpecialTokens.ALL.size(); id++) {
            Map<String, Object> token = new LinkedHashMap<>();
            token.put("id", id);
            token.put("content", SpecialTokens.ALL.get(id));
            token.put("single_word", false);
            token.put("lstrip", false);
            token.put("rstrip", false);
            token.put("normalized", false);
            token.put("special", true);
            tokens.add(token);
        }
        return tokens;
    }

    private static Map<String, Object> byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("type", "ByteLevel");
        step.put("add_prefix_space", addPrefixSpace);
        step.put("trim_offsets", trimOffsets);
        step.put("use_regex", true);
        return step;
    }

    private static Map<String, Object> bpeModel(List<String> vocabulary, List<MergeLearner.Merge> merges) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < vocabulary.size(); id++) {
            vocab.put(vocabulary.get(id), id);
        }
        model.put("vocab", vocab);
        // "left right" strings: byte-level tokens never hold a space, and every tokenizers version reads this form.
        model.put("merges", merges.stream().map(m -> m.left() + " " + m.right()).toList());
        return model;
    }

    private static String pretty(Object value) {
        return Messages.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }
}
