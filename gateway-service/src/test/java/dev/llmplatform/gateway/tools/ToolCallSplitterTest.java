package dev.llmplatform.gateway.tools;

import dev.llmplatform.gateway.tools.ToolCallSplitter.Arguments;
import dev.llmplatform.gateway.tools.ToolCallSplitter.CallStart;
import dev.llmplatform.gateway.tools.ToolCallSplitter.Content;
import dev.llmplatform.gateway.tools.ToolCallSplitter.Event;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments.ArgumentSet;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Each parser's format read whole and cut at every character (and into single characters): the same content, the
 * same calls, and arguments that concatenated are exactly what the model wrote.
 */
class ToolCallSplitterTest {

    /** What a whole output reads as. */
    record Read(String content, List<String> names, List<String> arguments) {
    }

    static Stream<ArgumentSet> outputs() {
        return Stream.of(
                argumentSet("hermes, a call alone", ToolCallParsers.HERMES,
                        "<tool_call>{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}</tool_call>",
                        new Read("", List.of("get_weather"), List.of("{\"city\":\"Paris\"}"))),
                argumentSet("hermes, Qwen's spacing, text before", ToolCallParsers.HERMES,
                        "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"a}\\\"b\"}}\n</tool_call>",
                        new Read("Let me check.\n", List.of("get_weather"), List.of("{\"city\": \"a}\\\"b\"}"))),
                argumentSet("hermes, two calls", ToolCallParsers.HERMES,
                        "<tool_call>{\"name\":\"a\",\"arguments\":{\"x\":[1,{\"y\":2}]}}</tool_call>\n"
                                + "<tool_call>{\"name\":\"b\",\"arguments\":{}}</tool_call>",
                        new Read("", List.of("a", "b"), List.of("{\"x\":[1,{\"y\":2}]}", "{}"))),
                argumentSet("hermes, arguments before the name", ToolCallParsers.HERMES,
                        "<tool_call>{\"arguments\":{\"n\":1},\"name\":\"f\"}</tool_call>",
                        new Read("", List.of("f"), List.of("{\"n\":1}"))),
                argumentSet("hermes, no call: a < that is no tag", ToolCallParsers.HERMES,
                        "1 < 2 and <tool> is not <tool_call", new Read("1 < 2 and <tool> is not <tool_call",
                                List.of(), List.of())),
                argumentSet("llama3_json, bare object", ToolCallParsers.LLAMA3_JSON,
                        "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}",
                        new Read("", List.of("get_weather"), List.of("{\"city\": \"Paris\"}"))),
                argumentSet("llama3_json, two calls after python_tag", ToolCallParsers.LLAMA3_JSON,
                        "<|python_tag|>{\"name\":\"a\",\"parameters\":{\"k\":\"v\"}}; {\"name\":\"b\",\"parameters\":{\"n\":2}}",
                        new Read("", List.of("a", "b"), List.of("{\"k\":\"v\"}", "{\"n\":2}"))),
                argumentSet("llama3_json, text is no call", ToolCallParsers.LLAMA3_JSON,
                        "The answer is {1, 2}.", new Read("The answer is {1, 2}.", List.of(), List.of())),
                argumentSet("llama3_json, an object that is no call", ToolCallParsers.LLAMA3_JSON,
                        "{\"answer\": 42}", new Read("{\"answer\": 42}", List.of(), List.of())),
                argumentSet("mistral, two calls after text", ToolCallParsers.MISTRAL,
                        "Sure. [TOOL_CALLS][{\"name\": \"a\", \"arguments\": {\"q\": \"[x]\"}}, {\"name\": \"b\", \"arguments\": {}}]",
                        new Read("Sure. ", List.of("a", "b"), List.of("{\"q\": \"[x]\"}", "{}"))));
    }

    @ParameterizedTest
    @MethodSource("outputs")
    void shouldReadTheSameCallsWhateverTheCutPoint(String parser, String output, Read expected) {
        assertThat(read(parser, List.of(output))).isEqualTo(expected);
        for (int cut = 0; cut <= output.length(); cut++) {
            assertThat(read(parser, List.of(output.substring(0, cut), output.substring(cut))))
                    .as("cut at %d", cut).isEqualTo(expected);
        }
        List<String> chars = output.chars().mapToObj(c -> String.valueOf((char) c)).toList();
        assertThat(read(parser, chars)).as("one character at a time").isEqualTo(expected);
    }

    @Test
    void shouldReleaseTheNameBeforeTheArgumentsAndTheArgumentsAsTheyCome() {
        ToolCallSplitter splitter = ToolCallParsers.splitter(ToolCallParsers.HERMES);

        assertThat(splitter.accept("Hi <tool")).containsExactly(new Content("Hi "));
        assertThat(splitter.accept("_call>{\"name\":\"f\",\"arguments\":")).isEmpty();
        assertThat(splitter.accept("{\"a\"")).containsExactly(new CallStart(0, "f"), new Arguments(0, "{\"a\""));
        assertThat(splitter.accept(":1}")).containsExactly(new Arguments(0, ":1}"));
        assertThat(splitter.accept("}</tool_call>")).isEmpty();
        assertThat(splitter.finish()).isEmpty();
        assertThat(splitter.calls()).isEqualTo(1);
    }

    @Test
    void shouldKeepWhatACutCallReleasedAndGiveBackAnUnreadObjectAsContent() {
        ToolCallSplitter cut = ToolCallParsers.splitter(ToolCallParsers.HERMES);
        List<Event> events = new ArrayList<>(cut.accept("<tool_call>{\"name\":\"f\",\"arguments\":{\"a\":"));
        events.addAll(cut.finish());
        assertThat(events).containsExactly(new CallStart(0, "f"), new Arguments(0, "{\"a\":"));

        ToolCallSplitter unread = ToolCallParsers.splitter(ToolCallParsers.HERMES);
        events = new ArrayList<>(unread.accept("<tool_call>{\"na"));
        events.addAll(unread.finish());
        assertThat(events).containsExactly(new Content("{\"na"));
    }

    private static Read read(String parser, List<String> pieces) {
        ToolCallSplitter splitter = ToolCallParsers.splitter(parser);
        List<Event> events = new ArrayList<>();
        for (String piece : pieces) {
            events.addAll(splitter.accept(piece));
        }
        events.addAll(splitter.finish());
        StringBuilder content = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<StringBuilder> arguments = new ArrayList<>();
        for (Event event : events) {
            switch (event) {
                case Content c -> content.append(c.text());
                case CallStart s -> {
                    assertThat(s.index()).isEqualTo(names.size());
                    names.add(s.name());
                    arguments.add(new StringBuilder());
                }
                case Arguments a -> arguments.get(a.index()).append(a.fragment());
            }
        }
        return new Read(content.toString(), names, arguments.stream().map(StringBuilder::toString).toList());
    }
}
