package dev.llmplatform.launcher;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import dev.llmplatform.topics.TopicSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Records no consumer can read, for any topic: garbage bytes, a record of the topic's own kind truncated,
 * of an unsupported schema version, of a kind the topic does not carry, missing every required field,
 * or JSON of the wrong shape altogether. The kinds a topic carries are read from its value type's
 * {@code @JsonSubTypes}, so a new kind is attacked without touching this class.
 */
final class PoisonRecords {

    /** One record to send: what it is (for the report) and its value's bytes. */
    record Poison(String how, byte[] value) {
        @Override
        public String toString() {
            String text = new String(value, StandardCharsets.UTF_8);
            return how + ": " + (text.length() > 120 ? text.substring(0, 120) + "…" : text);
        }
    }

    private PoisonRecords() {
    }

    static Arbitrary<Poison> forTopic(TopicSpec topic) {
        List<String> kinds = kinds(topic.valueType());
        Arbitrary<String> kind = kinds.isEmpty() ? Arbitraries.just(null) : Arbitraries.of(kinds);
        Arbitrary<Poison> garbage = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300)
                .map(bytes -> new Poison("garbage bytes", bytes));
        Arbitrary<Poison> truncated = Combinators.combine(kind, Arbitraries.doubles().between(0.05, 0.95))
                .as((k, at) -> {
                    byte[] whole = record(k, 1, ",\"requestId\":\"r-1\",\"jobId\":\"j-1\",\"text\":\"世界🙂\"")
                            .getBytes(StandardCharsets.UTF_8);
                    return new Poison("truncated", Arrays.copyOf(whole, Math.max(1, (int) (whole.length * at))));
                });
        Arbitrary<Poison> wrongVersion = Combinators.combine(kind, Arbitraries.of(0, -1, 2, 99, Integer.MAX_VALUE))
                .as((k, v) -> new Poison("schemaVersion " + v, bytes(record(k, v, ",\"requestId\":\"r-1\",\"jobId\":\"j-1\""))));
        Arbitrary<Poison> wrongKind = Arbitraries.of("nonsense", "", "SUBMIT", "null", "Delta ")
                .map(k -> new Poison("type " + k, bytes(record(k, 1, ",\"requestId\":\"r-1\",\"jobId\":\"j-1\""))));
        Arbitrary<Poison> nothingRequired = kind.map(k -> new Poison("no required field", bytes(record(k, 1, ""))));
        Arbitrary<Poison> wrongShape = Arbitraries.of("[]", "[1,2]", "42", "\"text\"", "true", "null", "{}", " ",
                        "{\"schemaVersion\":\"1\"}", "{\"schemaVersion\":1e999}", "{\"type\":{}}", "[".repeat(5_000))
                .map(json -> new Poison("wrong shape", bytes(json)));
        Arbitrary<Poison> invalidUtf8 = kind.map(k -> {
            byte[] json = bytes(record(k, 1, ",\"requestId\":\"\uFFFF\""));
            byte[] broken = Arrays.copyOf(json, json.length + 3);
            System.arraycopy(new byte[]{(byte) 0xC3, 0x28, (byte) 0xFF}, 0, broken, json.length, 3);
            return new Poison("invalid UTF-8 tail", broken);
        });
        return Arbitraries.oneOf(garbage, truncated, wrongVersion, wrongKind, nothingRequired, wrongShape, invalidUtf8);
    }

    private static String record(String kind, int version, String rest) {
        return "{" + (kind == null ? "" : "\"type\":\"" + kind + "\",") + "\"schemaVersion\":" + version + rest + "}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> kinds(Class<?> type) {
        JsonSubTypes subTypes = type.getAnnotation(JsonSubTypes.class);
        return subTypes == null ? List.of() : Arrays.stream(subTypes.value()).map(JsonSubTypes.Type::name).toList();
    }
}
