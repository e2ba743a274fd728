package dev.llmplatform.inference.engine;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.llmplatform.constraint.TokenMasks;
import dev.llmplatform.constraint.TokenVocabulary;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.inference.engine.constraint.ConstraintCompiler;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's masking (the real {@code Sampler}, greedy and sampled, logprobs on) keeps a decoder that prefers
 * forbidden tokens inside the constraint, over the starter model's real byte-level vocabulary (tokens that
 * split UTF-8 characters included); a stop token ends the output only once it is complete.
 */
class ConstrainedDecodingTest {

    private static final int EOS = 0;
    private static final int[] PROMPT = {5, 6, 7};
    private static final List<String> SCHEMAS = List.of(
            """
            {"type":"object","properties":{"name":{"type":"string","maxLength":4},"age":{"type":"integer","minimum":0,
             "maximum":120},"tags":{"type":"array","items":{"enum":["a","名前","ok"]},"maxItems":3}},
             "required":["name","age"],"additionalProperties":false}""",
            """
            {"anyOf":[{"type":"boolean"},{"type":"array","items":{"type":"integer","minimum":-5,"maximum":5},
             "minItems":1,"maxItems":4}]}""",
            """
            {"$defs":{"n":{"type":"object","properties":{"v":{"const":"é"},"kids":{"type":"array",
             "items":{"$ref":"#/$defs/n"},"maxItems":2}},"required":["v"]}},"$ref":"#/$defs/n"}""",
            "{\"type\":\"string\",\"format\":\"date-time\"}");
    private static final TokenVocabulary VOCAB = starterVocabulary();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private static TokenVocabulary starterVocabulary() {
        try {
            return TokenVocabulary.read(Path.of("../models/starter/1/tokenizer.json"),
                    starterVocabSize());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 40, seed = "20261206")
    void shouldKeepAnAdversarialDecoderInsideTheSchema(@ForAll @IntRange(min = 0, max = 3) int which,
                                                       @ForAll long seed, @ForAll boolean greedy) {
        String schema = SCHEMAS.get(which);
        OutputConstraint constraint = OutputConstraint.jsonSchema(schema);
        String text = generate(constraint, seed, greedy, 400);
        assertThat(REGISTRY.getSchema(JsonMapper.builder().build().readTree(schema))
                .validate(JsonMapper.builder().build().readTree(text), ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true))))
                .as(text).isEmpty();
    }

    @Property(tries = 20, seed = "20261206")
    void shouldKeepAnAdversarialDecoderInsideARegexAndAChoice(@ForAll long seed, @ForAll boolean greedy) {
        assertThat(generate(OutputConstraint.regex("(yes|no)-[0-9]{2,3}!"), seed, greedy, 50)).matches("(yes|no)-[0-9]{2,3}!");
        assertThat(generate(OutputConstraint.choice(List.of("名前", "name", "nom")), seed, greedy, 50)).isIn("名前", "name", "nom");
    }

    @Property(tries = 10, seed = "20261206")
    void shouldEndWithLengthWhenMaxTokensCutsAConstrainedOutput(@ForAll long seed) {
        TokenMasks masks = masks(OutputConstraint.regex("[a-z]{40}"));
        RecordingSink sink = new RecordingSink();
        InferenceEngine engine = new InferenceEngine("adversary", new AdversarialDecoder(masks, PROMPT.length, EOS),
                new EngineSettings(4, 1 << 24, 8, 0), sink);
        engine.submit(request("r", masks, seed, false, 3));
        while (!sink.finished("r")) {
            engine.runStep();
        }
        assertThat(sink.finish("r").reason()).isEqualTo(FinishReason.LENGTH);
        byte[] out = bytes(sink.tokens("r"));
        assertThat(masks.dfa().walk(0, out)).as("a prefix of a valid output").isNotNegative();
    }

    @Property(tries = 12, seed = "20261206")
    void shouldHoldACallThatStartsUnderAutoToItsToolsSchemaWhateverTheDecoderPrefers(@ForAll long seed,
                                                                                     @ForAll boolean greedy) {
        String arguments = """
                {"type":"object","properties":{"city":{"enum":["Oslo","名前"]},"days":{"type":"integer","minimum":1,
                 "maximum":7},"metric":{"type":"boolean"}},"required":["city","days","metric"],"additionalProperties":false}""";
        OutputConstraint auto = OutputConstraint.toolCallsOrText("""
                {"open":"<tool_call>","alternatives":[{"before":"<tool_call>{\\"name\\":\\"weather\\",\\"arguments\\":",
                 "schema":%s,"after":"}</tool_call>"}]}""".formatted(arguments));
        TokenMasks masks = masks(auto);
        String script = "Sure, <tool_call>";
        RecordingSink sink = new RecordingSink();
        InferenceEngine engine = new InferenceEngine("adversary", new AdversarialDecoder(masks, PROMPT.length,
                script.getBytes(StandardCharsets.UTF_8), EOS), new EngineSettings(4, 1 << 24, 8, 0), sink);
        engine.submit(request("r", masks, seed, greedy, 120));
        while (!sink.finished("r")) {
            engine.runStep();
        }
        String text = new String(bytes(sink.tokens("r")), StandardCharsets.UTF_8);

        assertThat(text).startsWith(script);
        java.util.regex.Matcher call = java.util.regex.Pattern.compile(
                "\\{\"name\":\"weather\",\"arguments\":(\\{[^}]*})}</tool_call>").matcher(text.substring(script.length()));
        assertThat(call.lookingAt()).as("the call that started is one whole call: %s", text).isTrue();
        assertThat(REGISTRY.getSchema(JsonMapper.builder().build().readTree(arguments))
                .validate(JsonMapper.builder().build().readTree(call.group(1)))).as(text).isEmpty();
        assertThat(sink.finish("r").reason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
    }

    private static String generate(OutputConstraint constraint, long seed, boolean greedy, int maxTokens) {
        TokenMasks masks = masks(constraint);
        RecordingSink sink = new RecordingSink();
        InferenceEngine engine = new InferenceEngine("adversary", new AdversarialDecoder(masks, PROMPT.length, EOS),
                new EngineSettings(4, 1 << 24, 8, 0), sink);
        engine.submit(request("r", masks, seed, greedy, maxTokens));
        while (!sink.finished("r")) {
            engine.runStep();
        }
        assertThat(sink.finish("r").reason()).as("ended by its stop token once complete").isEqualTo(FinishReason.STOP);
        byte[] out = bytes(sink.tokens("r"));
        assertThat(masks.dfa().matches(out)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static TokenMasks masks(OutputConstraint constraint) {
        return new ConstraintCompiler(4, java.time.Duration.ofSeconds(30))
                .compile("starter", () -> VOCAB, constraint, new int[]{EOS}).join();
    }

    private static EngineRequest request(String id, TokenMasks masks, long seed, boolean greedy, int maxTokens) {
        SamplingParams sampling = greedy ? SamplingParams.greedy()
                : new SamplingParams(1.0, 0.95, 40, 0, 1.1, 0, 0, seed, Map.of(), 2);
        return new EngineRequest(id, PROMPT, maxTokens, sampling, new int[]{EOS}, 0).withConstraint(masks);
    }

    private static byte[] bytes(List<Integer> tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int t : tokens) {
            out.writeBytes(VOCAB.bytes(t));
        }
        return out.toByteArray();
    }

    /** The shipped starter's vocabulary size, from its config.json (it changes when the starter is retrained). */
    private static int starterVocabSize() throws java.io.IOException {
        return dev.llmplatform.model.ModelConfig.parse(
                java.nio.file.Files.readString(Path.of("../models/starter/1/config.json")), "config.json").vocabSize();
    }
}
