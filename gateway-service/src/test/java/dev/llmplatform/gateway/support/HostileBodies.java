package dev.llmplatform.gateway.support;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request bodies a hostile or broken client sends: a valid body of one endpoint with one field
 * replaced by a hostile JSON value (wrong type, huge or non-finite number, deep nesting, unpaired
 * surrogate, NUL, enormous string, list or map), a field dropped or added, then maybe broken as bytes
 * (truncated, invalid UTF-8 spliced in, or replaced by garbage). Values are raw JSON text, so what no
 * JSON library would write (NaN, {@code 1e400}, invalid bytes) can be sent.
 */
public final class HostileBodies {

    /** One endpoint: its path, a valid body as raw JSON per field, and the fields worth attacking. */
    public record Endpoint(String path, Map<String, String> valid, List<String> targets) {
    }

    /** A body to send and what was done to it, for the report of a failing try. */
    public record Hostile(Endpoint endpoint, byte[] body, String how) {
        @Override
        public String toString() {
            String text = new String(body, StandardCharsets.UTF_8);
            return endpoint.path() + " [" + how + "] " + (text.length() > 300 ? text.substring(0, 300) + "…(" + body.length + " bytes)" : text);
        }
    }

    private static final String USER_HI = "[{\"role\":\"user\",\"content\":\"hi\"}]";

    public static final Endpoint CHAT = new Endpoint("/v1/chat/completions",
            fields("model", "\"tiny-llama\"", "messages", USER_HI, "max_tokens", "5"),
            List.of("model", "messages", "max_tokens", "max_completion_tokens", "n", "temperature", "top_p", "top_k",
                    "min_p", "logit_bias", "stop", "seed", "stream", "stream_options", "logprobs", "top_logprobs",
                    "tools", "tool_choice", "response_format", "presence_penalty", "frequency_penalty",
                    "repetition_penalty", "user", "priority", "min_tokens", "ignore_eos", "structured_outputs"));

    public static final Endpoint COMPLETIONS = new Endpoint("/v1/completions",
            fields("model", "\"tiny-llama\"", "prompt", "\"hi\"", "max_tokens", "5"),
            List.of("model", "prompt", "max_tokens", "n", "echo", "logprobs", "stop", "logit_bias", "seed", "stream",
                    "temperature", "top_p", "best_of", "suffix", "stream_options", "response_format", "min_tokens"));

    public static final Endpoint EMBEDDINGS = new Endpoint("/v1/embeddings",
            fields("model", "\"tiny-encoder\"", "input", "\"hi\""),
            List.of("model", "input", "encoding_format", "dimensions", "user"));

    public static final Endpoint RESPONSES = new Endpoint("/v1/responses",
            fields("model", "\"tiny-llama\"", "input", "\"hi\"", "max_output_tokens", "5"),
            List.of("model", "input", "instructions", "max_output_tokens", "temperature", "top_p", "stream", "store",
                    "previous_response_id", "tools", "tool_choice", "text", "reasoning", "metadata", "include"));

    public static final Endpoint MESSAGES = new Endpoint("/v1/messages",
            fields("model", "\"tiny-llama\"", "max_tokens", "5", "messages", USER_HI),
            List.of("model", "max_tokens", "messages", "system", "stop_sequences", "temperature", "top_k", "top_p",
                    "stream", "tools", "tool_choice", "metadata", "thinking"));

    public static final Endpoint TOKENIZE = new Endpoint("/v1/tokenize",
            fields("model", "\"tiny-llama\"", "prompt", "\"hi\""),
            List.of("model", "prompt", "messages", "add_special_tokens"));

    public static final Endpoint BATCHES = new Endpoint("/v1/batches",
            fields("endpoint", "\"/v1/chat/completions\"", "input", "[{\"custom_id\":\"a\",\"method\":\"POST\","
                    + "\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"tiny-llama\",\"messages\":" + USER_HI + "}}]"),
            List.of("endpoint", "input", "completion_window", "metadata", "input_file_id"));

    public static final Endpoint TRAINING = new Endpoint("/v1/training/jobs",
            fields("model", "\"my-model\"", "dataset", "{\"type\":\"synthetic\",\"seed\":7,\"documents\":100}",
                    "tokenizer", "{\"vocab_size\":512}",
                    "architecture", "{\"layers\":2,\"hidden\":64,\"heads\":4,\"kv_heads\":2,\"context\":64}",
                    "steps", "100", "batch_size", "8", "learning_rate", "0.001"),
            List.of("model", "dataset", "tokenizer", "architecture", "steps", "batch_size", "learning_rate", "seed",
                    "checkpoint_every", "eval_every"));

    private HostileBodies() {
    }

    /** Hostile bodies for the given endpoints. */
    public static Arbitrary<Hostile> of(List<Endpoint> endpoints) {
        Arbitrary<Endpoint> endpoint = Arbitraries.of(endpoints);
        return endpoint.flatMap(e -> Combinators.combine(fieldEdit(e), byteBreak())
                .as((edit, breaker) -> {
                    byte[] body = breaker.apply(edit.json().getBytes(StandardCharsets.UTF_8));
                    return new Hostile(e, body, edit.how() + breaker.how());
                }));
    }

    private record Edit(String json, String how) {
    }

    private static Arbitrary<Edit> fieldEdit(Endpoint e) {
        Arbitrary<String> target = Arbitraries.of(e.targets());
        Arbitrary<Edit> replace = Combinators.combine(target, hostileValue()).as((field, value) -> {
            Map<String, String> body = new LinkedHashMap<>(e.valid());
            body.put(field, value);
            return new Edit(render(body), field + "=hostile");
        });
        Arbitrary<Edit> nested = Combinators.combine(Arbitraries.of("role", "content", "name", "type", "text",
                "tool_calls", "tool_call_id"), hostileValue()).as((field, value) -> {
            Map<String, String> body = new LinkedHashMap<>(e.valid());
            String list = "[{\"role\":\"user\",\"content\":\"hi\",\"" + field + "\":" + value + "}]";
            body.put(body.containsKey("messages") ? "messages" : body.containsKey("input") ? "input" : "prompt", list);
            return new Edit(render(body), "nested " + field + "=hostile");
        });
        Arbitrary<Edit> drop = Arbitraries.of(List.copyOf(e.valid().keySet())).map(field -> {
            Map<String, String> body = new LinkedHashMap<>(e.valid());
            body.remove(field);
            return new Edit(render(body), "without " + field);
        });
        Arbitrary<Edit> whole = hostileValue().map(value -> new Edit(value, "body=hostile"));
        Arbitrary<Edit> duplicate = hostileValue().map(value -> new Edit("{\"model\":" + value + ","
                + render(e.valid()).substring(1), "duplicate model"));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, replace), net.jqwik.api.Tuple.of(2, nested), net.jqwik.api.Tuple.of(1, drop),
                net.jqwik.api.Tuple.of(1, whole), net.jqwik.api.Tuple.of(1, duplicate));
    }

    /** JSON values, some valid and some not, that break parsers, validators or arithmetic. */
    public static Arbitrary<String> hostileValue() {
        Arbitrary<String> fixed = Arbitraries.of(
                "null", "true", "false", "0", "-0", "-1", "1.5", "-2147483649", "2147483647", "2147483648",
                "9223372036854775807", "-9223372036854775809", "99999999999999999999999999999999999999",
                "1e308", "1e309", "-1e309", "1e-400", "4.9e-324", "1E+2147483647", "NaN", "Infinity", "-Infinity",
                "\"NaN\"", "\"Infinity\"", "\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"", "\"a\\udc00b\"",
                "\"\\udbff\\udbff\"", "\"\\uFFFF\\uFFFE\"", "\"\\u202e\\u200b\"", "\"tiny\\u2010llama\"", "\"../../etc/passwd\"",
                "{}", "[]", "[null]", "[[]]", "{\"\":null}", "{\"a\":{\"b\":{\"c\":[]}}}", "01", "0x10", "+1", "1.", ".5",
                "'single'", "\"unterminated", "[1,]", "{\"a\":1,}", "tru", "nul", "\"\\x41\"", "\"\\u12\"",
                "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]", "{\"1\":100,\"2\":-100}", "{\"-1\":1}", "{\"abc\":1}",
                "{\"99999999999999999999\":1}", "{\"1\":1e309}", "{\"1\":NaN}", "{\"1\":\"x\"}", "{\"type\":\"json_schema\"}",
                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"integer\",\"minimum\":1e400}}}",
                "[{\"type\":\"function\",\"function\":{\"name\":\"\\ud800\",\"parameters\":{}}}]",
                "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":[]}]}]",
                "[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":null,\"function\":{}}]}]");
        Arbitrary<String> deep = Arbitraries.of(64, 400, 1_001, 20_000)
                .flatMap(depth -> Arbitraries.of("[", "{\"a\":").map(open -> nest(open, depth)));
        Arbitrary<String> longString = Arbitraries.of(10_000, 300_000).map(n -> "\"" + "x".repeat(n) + "\"");
        Arbitrary<String> manyStrings = Arbitraries.of(5, 1_000, 60_000).map(n -> repeat("\"s\"", n, "[", "]"));
        Arbitrary<String> manyBiases = Arbitraries.of(300, 60_000).map(n -> {
            StringBuilder b = new StringBuilder("{");
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ",").append('"').append(i).append("\":100");
            }
            return b.append('}').toString();
        });
        Arbitrary<String> manyMessages = Arbitraries.of(200, 20_000)
                .map(n -> repeat("{\"role\":\"user\",\"content\":\"hi\"}", n, "[", "]"));
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf));
        Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(40).map(HostileBodies::quote);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, fixed), net.jqwik.api.Tuple.of(2, deep), net.jqwik.api.Tuple.of(1, longString),
                net.jqwik.api.Tuple.of(2, manyStrings), net.jqwik.api.Tuple.of(2, manyBiases),
                net.jqwik.api.Tuple.of(1, manyMessages), net.jqwik.api.Tuple.of(4, number), net.jqwik.api.Tuple.of(3, text));
    }

    /** Leaves the bytes alone, or truncates them, splices invalid UTF-8 in, or sends garbage instead. */
    private static Arbitrary<ByteBreak> byteBreak() {
        Arbitrary<ByteBreak> none = Arbitraries.just(new ByteBreak("", b -> b));
        Arbitrary<ByteBreak> truncate = Arbitraries.doubles().between(0, 1).map(f -> new ByteBreak(" truncated",
                b -> java.util.Arrays.copyOf(b, (int) (b.length * f))));
        Arbitrary<ByteBreak> invalidUtf8 = Combinators.combine(Arbitraries.doubles().between(0, 1),
                Arbitraries.of(new byte[]{(byte) 0xC3, 0x28}, new byte[]{(byte) 0xFF}, new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        new byte[]{(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[]{(byte) 0xE2, (byte) 0x82},
                        new byte[]{0}, new byte[]{(byte) 0xC0, (byte) 0xAF}))
                .as((f, bad) -> new ByteBreak(" invalid UTF-8 spliced", b -> splice(b, bad, f)));
        Arbitrary<ByteBreak> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(200)
                .map(g -> new ByteBreak(" garbage", b -> g));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(10, none), net.jqwik.api.Tuple.of(2, truncate),
                net.jqwik.api.Tuple.of(3, invalidUtf8), net.jqwik.api.Tuple.of(1, garbage));
    }

    private record ByteBreak(String how, java.util.function.UnaryOperator<byte[]> breaker) {
        byte[] apply(byte[] body) {
            return breaker.apply(body);
        }
    }

    private static byte[] splice(byte[] body, byte[] bad, double at) {
        // Inside a string where possible: right after the first quote past the chosen point.
        int i = (int) (body.length * at);
        while (i < body.length && body[i] != '"') {
            i++;
        }
        i = Math.min(i + 1, body.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + bad.length);
        out.write(body, 0, i);
        out.writeBytes(bad);
        out.write(body, i, body.length - i);
        return out.toByteArray();
    }

    static String render(Map<String, String> fields) {
        StringBuilder b = new StringBuilder("{");
        fields.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return b.append('}').toString();
    }

    private static Map<String, String> fields(String... kv) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            map.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    private static String nest(String open, int depth) {
        String close = open.equals("[") ? "]" : "}";
        return open.repeat(depth) + (open.equals("[") ? "" : "1") + close.repeat(depth);
    }

    private static String repeat(String item, int n, String open, String close) {
        StringBuilder b = new StringBuilder(open);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(item);
        }
        return b.append(close).toString();
    }

    /** Any Java string as a JSON string literal, lone surrogates and control characters escaped. */
    public static String quote(String s) {
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
