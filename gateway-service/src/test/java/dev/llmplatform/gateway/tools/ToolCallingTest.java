package dev.llmplatform.gateway.tools;

import dev.llmplatform.constraint.Constraints;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.tools.ToolCallSplitter.Arguments;
import dev.llmplatform.gateway.tools.ToolCallSplitter.CallStart;
import dev.llmplatform.gateway.tools.ToolCallSplitter.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tool_choice read into what is listed, read and enforced; an enforced call, in each parser's format, reads back. */
class ToolCallingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNode TOOLS = JSON.readTree("""
            [{"type":"function","function":{"name":"weather","parameters":{"type":"object",
              "properties":{"city":{"enum":["Paris","Oslo"]}},"required":["city"]}}},
             {"type":"function","function":{"name":"time"}}]""");

    @ParameterizedTest
    @ValueSource(strings = {ToolCallParsers.HERMES, ToolCallParsers.LLAMA3_JSON, ToolCallParsers.MISTRAL})
    void shouldEnforceACallThatTheSameParserReadsBack(String parser) {
        ToolCalling named = ToolCalling.of(TOOLS, JSON.readTree("{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}"), null);
        OutputConstraint constraint = named.constraint(parser);
        JsonNode alternative = JSON.readTree(constraint.value()).get(0);
        String output = alternative.get("before").asString() + "{\"city\":\"Oslo\"}" + alternative.get("after").asString();

        assertThat(Constraints.compile(Constraints.toolCall(constraint.value()))
                .matches(output.getBytes(StandardCharsets.UTF_8))).as(output).isTrue();
        ToolCallSplitter splitter = ToolCallParsers.splitter(parser);
        List<Event> events = new ArrayList<>(splitter.accept(output));
        events.addAll(splitter.finish());
        assertThat(events).containsExactly(new CallStart(0, "weather"), new Arguments(0, "{\"city\":\"Oslo\"}"));
    }

    @Test
    void shouldOfferEveryToolWhenACallIsRequiredAndNothingForNone() {
        assertThat(JSON.readTree(ToolCalling.of(TOOLS, JSON.readTree("\"required\""), true)
                .constraint(ToolCallParsers.HERMES).value())).hasSize(2);
        ToolCalling auto = ToolCalling.of(TOOLS, null, null);
        assertThat(auto.templateTools()).hasSize(2);
        assertThat(auto.parsesCalls()).isTrue();
        ToolCalling none = ToolCalling.of(TOOLS, JSON.readTree("\"none\""), null);
        assertThat(none.constraint(ToolCallParsers.HERMES)).isNull();
        assertThat(none.templateTools()).isNull();
        assertThat(none.parsesCalls()).isFalse();
    }

    @Test
    void shouldLetAutoAnswerInTextButHoldACallThatStartsToItsToolsSchema() {
        OutputConstraint constraint = ToolCalling.of(TOOLS, JSON.readTree("\"auto\""), null).constraint(ToolCallParsers.HERMES);
        assertThat(constraint.kind()).isEqualTo(OutputConstraint.Kind.TOOL_CALLS_OR_TEXT);
        var dfa = Constraints.compile(Constraints.toolCallsOrText(constraint.value()));
        String call = "<tool_call>{\"name\":\"weather\",\"arguments\":{\"city\":\"Oslo\"}}</tool_call>";

        assertThat(dfa.matches("It is sunny.".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(dfa.matches(("Let me check. " + call).getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(dfa.matches(call.replace("Oslo", "Rome").getBytes(StandardCharsets.UTF_8))).isFalse();
        ToolCallSplitter splitter = ToolCallParsers.splitter(ToolCallParsers.HERMES);
        List<Event> events = new ArrayList<>(splitter.accept("Let me check. " + call));
        events.addAll(splitter.finish());
        assertThat(events).as("what the constraint lets through reads back as the call")
                .containsExactly(new ToolCallSplitter.Content("Let me check. "), new CallStart(0, "weather"),
                        new Arguments(0, "{\"city\":\"Oslo\"}"));
    }

    @Test
    void shouldAllowOneCallUnderAutoWithoutParallelToolCalls() {
        String call = "<tool_call>{\"name\":\"weather\",\"arguments\":{\"city\":\"Oslo\"}}</tool_call>";
        String twoCalls = call + call.replace("Oslo", "Paris");
        var parallel = Constraints.compile(Constraints.toolCallsOrText(ToolCalling.of(TOOLS, JSON.readTree("\"auto\""),
                null).constraint(ToolCallParsers.HERMES).value()));
        ToolCalling one = ToolCalling.of(TOOLS, JSON.readTree("\"auto\""), false);
        var single = Constraints.compile(Constraints.toolCallsOrText(one.constraint(ToolCallParsers.HERMES).value()));

        assertThat(one.parallel()).isFalse();
        assertThat(parallel.matches(twoCalls.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(single.matches(twoCalls.getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(single.matches((call + " Done.").getBytes(StandardCharsets.UTF_8))).as("text may follow").isTrue();
        assertThat(single.matches("No call.".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(ToolCalling.of(TOOLS, JSON.readTree("\"auto\""), true).parallel()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {ToolCallParsers.LLAMA3_JSON, ToolCallParsers.MISTRAL})
    void shouldLeaveAutoUnguardedWhereCallsOpenWithASpecialToken(String parser) {
        assertThat(ToolCalling.of(TOOLS, null, null).constraint(parser)).isNull();
    }

    @Test
    void shouldGiveAToolWhoseSchemaCannotBeCompiledAnyObjectUnderAutoRatherThanA400() {
        JsonNode tools = JSON.readTree("""
                [{"type":"function","function":{"name":"tag","parameters":{"type":"object",
                  "properties":{"tags":{"type":"array","uniqueItems":true}}}}}]""");
        assertThatThrownBy(() -> ToolCalling.of(tools, JSON.readTree("\"required\""), null))
                .isInstanceOf(ApiException.class).hasMessageContaining("uniqueItems");
        OutputConstraint auto = ToolCalling.of(tools, null, null).constraint(ToolCallParsers.HERMES);
        JsonNode alternative = JSON.readTree(auto.value()).get("alternatives").get(0);
        assertThat(alternative.get("schema")).isEqualTo(JSON.readTree("{\"type\":\"object\"}"));
    }

    @Test
    void shouldRefuseTwoToolsOfOneName() {
        JsonNode twice = JSON.readTree("""
                [{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]""");
        assertThatThrownBy(() -> ToolCalling.of(twice, null, null)).isInstanceOf(ApiException.class)
                .hasMessageContaining("two tools are named 'f'");
    }
}
