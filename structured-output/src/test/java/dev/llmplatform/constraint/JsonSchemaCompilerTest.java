package dev.llmplatform.constraint;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonSchemaCompilerTest {

    private static final TokenVocabulary VOCAB = ToyVocabularies.byteLevel();

    private static boolean matches(String schema, String json) {
        return Constraints.compile(Constraints.jsonSchema(schema)).matches(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldKeepDeclaredPropertiesInOrderWithOptionalOnesLeftOutOrNot() {
        String schema = """
                {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"boolean"}},
                 "required":["b"]}""";
        assertThat(matches(schema, "{\"b\":\"x\"}")).isTrue();
        assertThat(matches(schema, "{\"a\":1,\"b\":\"x\",\"c\":true}")).isTrue();
        assertThat(matches(schema, "{\"b\":\"x\",\"c\":false}")).isTrue();
        assertThat(matches(schema, "{\"a\":1}")).as("required b missing").isFalse();
        assertThat(matches(schema, "{\"b\":\"x\",\"a\":1}")).as("declared order").isFalse();
        assertThat(matches(schema, "{\"b\":\"x\",\"d\":1}")).as("only declared properties").isFalse();
        assertThat(matches(schema, "{,\"b\":\"x\"}")).isFalse();
        assertThat(matches(schema, "{\"b\": \"x\"}")).as("no whitespace outside strings").isFalse();
    }

    @Test
    void shouldBoundARecursiveSchemaAndStillGenerateValidTrees() {
        String schema = """
                {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},
                  "kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["v"],"additionalProperties":false}},
                 "$ref":"#/$defs/node"}""";
        assertThat(matches(schema, "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[{\"v\":3}]},{\"v\":4}]}")).isTrue();
        assertThat(matches(schema, "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[{\"v\":3,\"kids\":[{\"v\":4}]}]}]}"))
                .as("past the recursion bound of " + JsonSchemaCompiler.RECURSION).isFalse();
        for (long seed = 0; seed < 20; seed++) {
            JsonSchemaConstraintPropertyTest.assertValid(JsonMapper.builder().build().readTree(schema),
                    ConstrainedWalk.ADVERSARIAL, seed);
        }
    }

    @Test
    void shouldGenerateBoundedIntegersAndNumbersInsideTheirBounds() {
        String schema = "{\"type\":\"number\",\"exclusiveMinimum\":1.5,\"maximum\":12}";
        assertThat(matches(schema, "2")).isTrue();
        assertThat(matches(schema, "12")).isTrue();
        assertThat(matches(schema, "1")).isFalse();
        assertThat(matches(schema, "13")).isFalse();
    }

    @Test
    void shouldAcceptAnyObjectForJsonObject() {
        ByteDfa dfa = Constraints.compile(Constraints.jsonObject());
        assertThat(dfa.matches("{\"a\":[1,{\"b\":null}],\"c\":\"é\\n\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(dfa.matches("[1]".getBytes(StandardCharsets.UTF_8))).isFalse();
        TokenMasks masks = new TokenMasks(dfa, VOCAB, new int[]{ToyVocabularies.EOS});
        String out = new String(ConstrainedWalk.generate(masks, ToyVocabularies.EOS, ConstrainedWalk.RANDOM, 7, 40),
                StandardCharsets.UTF_8);
        assertThat(JsonMapper.builder().build().readTree(out).isObject()).as(out).isTrue();
    }

    @Test
    void shouldRefuseUnsupportedKeywordsNamingThem() {
        assertThatThrownBy(() -> Constraints.jsonSchema("{\"type\":\"string\",\"not\":{\"const\":\"a\"}}"))
                .isInstanceOf(ConstraintException.class).hasMessageContaining("'not'");
        assertThatThrownBy(() -> Constraints.jsonSchema("{\"type\":\"array\",\"uniqueItems\":true}"))
                .hasMessageContaining("'uniqueItems'");
        assertThatThrownBy(() -> Constraints.jsonSchema("{\"type\":\"strin\"}")).hasMessageContaining("strin");
        assertThatThrownBy(() -> Constraints.jsonSchema("{\"$ref\":\"https://example.com/s.json\"}"))
                .hasMessageContaining("$ref");
        assertThatThrownBy(() -> Constraints.jsonSchema("{\"type\":")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Constraints.jsonSchema("{\"type\":\"string\",\"pattern\":\"(a\"}"))
                .hasMessageContaining("'pattern'");
        assertThatThrownBy(() -> Constraints.jsonSchema("{\"type\":\"object\",\"anyOf\":[{\"required\":[\"a\"]}]}"))
                .as("an assertion beside anyOf would be ignored").hasMessageContaining("'type' beside 'anyOf'");
        assertThatThrownBy(() -> Constraints.jsonSchema("{\"$ref\":\"#/$defs/a\",\"maxLength\":3,\"$defs\":{\"a\":{}}}"))
                .hasMessageContaining("'maxLength' beside '$ref'");
    }

    @Test
    void shouldKeepOnlyEnumValuesOfTheDeclaredTypeAndAcceptAnnotationsBesideAnyOf() {
        String schema = "{\"type\":\"string\",\"enum\":[\"a\",1,null]}";
        assertThat(matches(schema, "\"a\"")).isTrue();
        assertThat(matches(schema, "1")).isFalse();
        String optional = "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"null\"}],\"default\":null,\"title\":\"X\"}";
        assertThat(matches(optional, "null")).isTrue();
        assertThat(matches(optional, "12")).isTrue();
    }
}
