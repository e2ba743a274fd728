package dev.llmplatform.constraint;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes each token id of a model's vocabulary stands for, read from its Hugging Face {@code tokenizer.json}:
 * byte-level BPE (GPT-2, Llama 3, Qwen, the platform's own tokenizers) maps each character of a token back
 * through GPT-2's byte↔unicode table; SentencePiece-style vocabularies (Metaspace, byte fallback) read
 * {@code ▁} as a space and {@code <0xNN>} as the byte NN. Special added tokens stand for no bytes (null):
 * a constraint never allows them, except a stop token when the constraint accepts. A token may be a
 * fragment of a UTF-8 character; constraints are judged on bytes, so that is fine. Ids past the tokenizer's
 * (a graph's padded vocabulary) are null too. Immutable.
 */
public final class TokenVocabulary {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x([0-9A-Fa-f]{2})>");

    private final byte[][] bytes;
    private TokenTrie trie;

    public TokenVocabulary(byte[][] bytes) {
        this.bytes = bytes.clone();
    }

    /** Reads a {@code tokenizer.json}; {@code size} is the model's logits width (at least the tokenizer's ids). */
    public static TokenVocabulary read(Path tokenizerJson, int size) throws IOException {
        return parse(JSON.readTree(Files.readString(tokenizerJson)), size);
    }

    static TokenVocabulary parse(JsonNode tokenizer, int size) {
        JsonNode model = tokenizer.path("model");
        boolean byteLevel = mentionsByteLevel(tokenizer.path("decoder")) || mentionsByteLevel(tokenizer.path("pre_tokenizer"));
        boolean byteFallback = model.path("byte_fallback").asBoolean(false);
        Map<Integer, String> pieces = new HashMap<>();
        JsonNode vocab = model.path("vocab");
        if (vocab.isObject()) {
            vocab.properties().forEach(e -> pieces.put(e.getValue().asInt(), e.getKey()));
        } else if (vocab.isArray()) {   // Unigram: [[piece, score], …]
            for (int i = 0; i < vocab.size(); i++) {
                pieces.put(i, vocab.get(i).get(0).asString());
            }
        }
        int max = size;
        for (int id : pieces.keySet()) {
            max = Math.max(max, id + 1);
        }
        for (JsonNode added : tokenizer.path("added_tokens")) {
            max = Math.max(max, added.path("id").asInt() + 1);
        }
        byte[][] out = new byte[max][];
        Map<Character, Integer> unicodeToByte = byteLevel ? gpt2UnicodeToBytes() : Map.of();
        pieces.forEach((id, piece) -> out[id] = byteLevel ? fromByteLevel(piece, unicodeToByte) : fromMetaspace(piece, byteFallback));
        for (JsonNode added : tokenizer.path("added_tokens")) {
            int id = added.path("id").asInt();
            if (id >= out.length) {
                continue;
            }
            out[id] = added.path("special").asBoolean(false) ? null
                    : added.path("content").asString().getBytes(StandardCharsets.UTF_8);
        }
        return new TokenVocabulary(out);
    }

    private static boolean mentionsByteLevel(JsonNode node) {
        if ("ByteLevel".equals(node.path("type").asString(""))) {
            return true;
        }
        for (String list : new String[]{"decoders", "pretokenizers"}) {
            for (JsonNode child : node.path(list)) {
                if (mentionsByteLevel(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] fromByteLevel(String piece, Map<Character, Integer> unicodeToByte) {
        byte[] b = new byte[piece.length()];
        for (int i = 0; i < piece.length(); i++) {
            Integer v = unicodeToByte.get(piece.charAt(i));
            if (v == null) {   // not a byte-level symbol: take the text as it is
                return piece.getBytes(StandardCharsets.UTF_8);
            }
            b[i] = (byte) (int) v;
        }
        return b;
    }

    private static byte[] fromMetaspace(String piece, boolean byteFallback) {
        Matcher m = BYTE_TOKEN.matcher(piece);
        if (byteFallback && m.matches()) {
            return new byte[]{(byte) Integer.parseInt(m.group(1), 16)};
        }
        return piece.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
    }

    /** GPT-2's {@code bytes_to_unicode}, inverted. */
    static Map<Character, Integer> gpt2UnicodeToBytes() {
        Map<Character, Integer> map = new HashMap<>();
        boolean[] printable = new boolean[256];
        for (int b = 0; b < 256; b++) {
            printable[b] = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (printable[b]) {
                map.put((char) b, b);
            } else {
                map.put((char) (256 + n++), b);
            }
        }
        return map;
    }

    /** Ids, the logits width. */
    public int size() {
        return bytes.length;
    }

    /** The token's bytes, or null for a special token or an id the tokenizer lacks. Do not modify. */
    public byte[] bytes(int id) {
        return id >= 0 && id < bytes.length ? bytes[id] : null;
    }

    /** The trie of every token's bytes, built on first use. */
    public synchronized TokenTrie trie() {
        if (trie == null) {
            trie = TokenTrie.of(bytes);
        }
        return trie;
    }
}
