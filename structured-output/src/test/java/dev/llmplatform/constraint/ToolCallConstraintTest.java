package dev.llmplatform.constraint;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tool call's constraint: literal text around a schema's compact JSON, one of several alternatives. */
class ToolCallConstraintTest {

    private static final String TWO_TOOLS = """
            [{"before":"<tool_call>{\\"name\\":\\"weather\\",\\"arguments\\":",
              "schema":{"type":"object","properties":{"city":{"enum":["Paris","Oslo"]}},"required":["city"]},
              "after":"}</tool_call>"},
             {"before":"<tool_call>{\\"name\\":\\"time\\",\\"arguments\\":","schema":{"type":"object"},"after":"}</tool_call>"}]""";

    private static boolean matches(String json, String output) {
        return Constraints.compile(Constraints.toolCall(json)).matches(output.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldAcceptOneCallOfAnyAlternativeWithArgumentsValidAgainstItsSchema() {
        assertThat(matches(TWO_TOOLS, "<tool_call>{\"name\":\"weather\",\"arguments\":{\"city\":\"Oslo\"}}</tool_call>")).isTrue();
        assertThat(matches(TWO_TOOLS, "<tool_call>{\"name\":\"time\",\"arguments\":{}}</tool_call>")).isTrue();
        assertThat(matches(TWO_TOOLS, "<tool_call>{\"name\":\"weather\",\"arguments\":{\"city\":\"Rome\"}}</tool_call>"))
                .as("outside the enum").isFalse();
        assertThat(matches(TWO_TOOLS, "<tool_call>{\"name\":\"weather\",\"arguments\":{}}</tool_call>"))
                .as("required city").isFalse();
        assertThat(matches(TWO_TOOLS, "<tool_call>{\"name\":\"news\",\"arguments\":{}}</tool_call>")).isFalse();
        assertThat(matches(TWO_TOOLS, "<tool_call>{\"name\":\"time\",\"arguments\":{}}")).as("cut short").isFalse();
    }

    @Test
    void shouldRefuseWhatIsNoListOfAlternatives() {
        assertThatThrownBy(() -> Constraints.toolCall("{}")).isInstanceOf(ConstraintException.class);
        assertThatThrownBy(() -> Constraints.toolCall("[{\"before\":\"x\"}]")).isInstanceOf(ConstraintException.class);
        assertThatThrownBy(() -> Constraints.toolCall("[")).isInstanceOf(ConstraintException.class);
    }
}
