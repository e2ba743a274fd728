package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import dev.llmplatform.topics.Topic;
import dev.llmplatform.topics.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.statistics.Statistics;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a topic's record holds, decoding it either gives a record of the topic's type with a supported
 * schema version or throws {@link PoisonMessageException}, which every consumer dead-letters; never another
 * exception, which a listener would retry or, on a hand-polled consumer, let through. Records are built
 * from the type's own kinds and field names (read by reflection) with hostile values, then maybe truncated.
 */
class PoisonDecodingPropertyTest {

    @Property(tries = 400, seed = "20261206")
    void shouldDecodeToAValidRecordOrThrowPoisonAndNothingElse(@ForAll("records") Tuple2<Topic<?>, String> draw) {
        Class<?> type = draw.get1().valueType();
        Object decoded = null;
        Throwable thrown = null;
        try {
            decoded = Messages.fromJson(draw.get2(), type);
        } catch (Throwable t) {
            thrown = t;
        }
        Statistics.label("outcome").collect(thrown == null ? "decoded" : "poison");
        if (thrown != null) {
            assertThat(thrown).as("%s from %s", type.getSimpleName(), draw.get2()).isInstanceOf(PoisonMessageException.class);
            return;
        }
        assertThat(decoded).as(draw.get2()).isInstanceOf(type);
        if (decoded instanceof Versioned versioned) {
            assertThat(versioned.schemaVersion()).as(draw.get2()).isPositive();
        }
    }

    @Provide
    Arbitrary<Tuple2<Topic<?>, String>> records() {
        return Arbitraries.of(Topics.ALL).flatMap(topic -> record(topic.valueType())
                .map(json -> Tuple.of(topic, json)));
    }

    private static Arbitrary<String> record(Class<?> type) {
        List<String> kinds = kinds(type);
        List<String> fields = new ArrayList<>(fields(type));
        Arbitrary<String> kind = Arbitraries.oneOf(kinds.isEmpty() ? Arbitraries.just("x") : Arbitraries.of(kinds),
                hostile());
        Arbitrary<String> field = Arbitraries.oneOf(Arbitraries.of(fields), Arbitraries.strings().ofMaxLength(8));
        Arbitrary<String> member = Combinators.combine(field, hostile()).as((f, v) -> quote(f) + ":" + v);
        Arbitrary<String> object = Combinators.combine(kind, Arbitraries.oneOf(Arbitraries.of("1", "0", "2", "-1",
                        "1e400", "NaN", "\"1\"", "null", "2147483648")), member.list().ofMaxSize(8))
                .as((k, version, members) -> {
                    StringBuilder b = new StringBuilder("{");
                    if (!kinds.isEmpty()) {
                        b.append("\"type\":").append(k.startsWith("\"") || !kinds.contains(k) ? k : quote(k)).append(',');
                    }
                    b.append("\"schemaVersion\":").append(version);
                    members.forEach(m -> b.append(',').append(m));
                    return b.append('}').toString();
                });
        Arbitrary<String> truncated = Combinators.combine(object, Arbitraries.doubles().between(0, 1))
                .as((json, at) -> json.substring(0, (int) (json.length() * at)));
        Arbitrary<String> garbage = Arbitraries.strings().all().ofMaxLength(60);
        return Arbitraries.frequencyOf(Tuple.of(6, object), Tuple.of(2, truncated), Tuple.of(1, garbage),
                Tuple.of(1, hostile()));
    }

    private static Arbitrary<String> hostile() {
        return Arbitraries.oneOf(
                Arbitraries.of("null", "true", "0", "-1", "1.5", "1e309", "-1e309", "NaN", "Infinity",
                        "99999999999999999999999", "\"\"", "\"\\ud800\"", "\"\\u0000\"", "[]", "[null]", "{}",
                        "[1,\"a\",null]", "{\"a\":[{}]}", "\"x\"", "[\"a\",\"b\"]", "{\"requestId\":null}",
                        "[".repeat(3000) + "]".repeat(3000), "{\"a\":".repeat(3000) + "1" + "}".repeat(3000)),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.strings().all().ofMaxLength(20).map(PoisonDecodingPropertyTest::quote));
    }

    private static List<String> kinds(Class<?> type) {
        JsonSubTypes subTypes = type.getAnnotation(JsonSubTypes.class);
        return subTypes == null ? List.of() : Arrays.stream(subTypes.value()).map(JsonSubTypes.Type::name).toList();
    }

    /** The JSON names of every record component of the type or its kinds. */
    private static Set<String> fields(Class<?> type) {
        Set<String> names = new LinkedHashSet<>();
        List<Class<?>> classes = new ArrayList<>(List.of(type));
        JsonSubTypes subTypes = type.getAnnotation(JsonSubTypes.class);
        if (subTypes != null) {
            Arrays.stream(subTypes.value()).forEach(t -> classes.add(t.value()));
        }
        for (Class<?> c : classes) {
            if (c.isRecord()) {
                for (RecordComponent component : c.getRecordComponents()) {
                    names.add(component.getName());
                }
            }
        }
        names.add("requestId");
        return names;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
