package dev.llmplatform.constraint;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every output generated under a random schema — with random logits, and with logits that prefer forbidden
 * tokens — parses as JSON and validates against the schema (networknt's validator, formats asserted).
 */
class JsonSchemaConstraintPropertyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final TokenVocabulary VOCAB = ToyVocabularies.byteLevel();

    @Provide
    Arbitrary<JsonNode> schemas() {
        return SchemaArbitraries.schemas();
    }

    // A fixed seed: networknt's validator throws (instead of reporting a mismatch) when an anyOf branch with an
    // integer minimum meets a huge number meant for another branch (5.1E86), so a free seed made CI flaky.
    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE, seed = "20261206")
    void shouldGenerateOnlyValidOutputsUnderRandomLogits(@ForAll("schemas") JsonNode schema, @ForAll long seed) {
        Statistics.label("top-level kind").collect(kind(schema));
        Statistics.label("output length").collect(lengthBucket(assertValid(schema, ConstrainedWalk.RANDOM, seed)));
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE, seed = "20261206")
    void shouldGenerateOnlyValidOutputsUnderAdversarialLogits(@ForAll("schemas") JsonNode schema, @ForAll long seed) {
        Statistics.label("top-level kind").collect(kind(schema));
        Statistics.label("output length").collect(lengthBucket(assertValid(schema, ConstrainedWalk.ADVERSARIAL, seed)));
    }

    private static String kind(JsonNode schema) {
        for (String k : new String[]{"anyOf", "oneOf", "enum", "const"}) {
            if (schema.has(k)) {
                return k;
            }
        }
        return schema.path("type").isString() ? schema.get("type").asString() : "untyped or list";
    }

    private static String lengthBucket(String output) {
        return output.length() < 5 ? "<5" : output.length() < 20 ? "5-19" : output.length() < 60 ? "20-59" : "60+";
    }

    static String assertValid(JsonNode schema, ConstrainedWalk.Logits logits, long seed) {
        ByteDfa dfa = Constraints.compile(JsonSchemaCompiler.compile(schema));
        TokenMasks masks = new TokenMasks(dfa, VOCAB, new int[]{ToyVocabularies.EOS});
        byte[] out = ConstrainedWalk.generate(masks, ToyVocabularies.EOS, logits, seed, 60);
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(out).as("valid UTF-8").isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        JsonNode value = JSON.readTree(text);
        Schema validator = REGISTRY.getSchema(schema);
        List<Error> errors = validator.validate(value, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
        assertThat(errors).as("%s under %s", text, schema).isEmpty();
        return text;
    }
}
