package dev.llmplatform.training.corpus;

import dev.llmplatform.contracts.Messages;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ToolConversationsTest {

    private static final Pattern CALL = Pattern.compile(
            "<\\|im_start\\|>assistant\\n<tool_call>(\\{.*?})</tool_call><\\|im_end\\|>\\n"
                    + "<\\|im_start\\|>user\\n<tool_response>\\n(.*?)\\n</tool_response><\\|im_end\\|>\\n"
                    + "<\\|im_start\\|>assistant\\n(.*?)<\\|im_end\\|>");
    private static final Pattern OFFERED = Pattern.compile("\\{\"name\":\"(\\w+)\"}");

    @Test
    void shouldBeTheSameForTheSameSeedAndDifferForAnother() {
        assertThat(new ToolConversations(3).documents(40)).isEqualTo(new ToolConversations(3).documents(40));
        assertThat(new ToolConversations(3).documents(60).subList(0, 40)).isEqualTo(new ToolConversations(3).documents(40));
        assertThat(new ToolConversations(4).documents(40)).doesNotContainAnyElementsOf(new ToolConversations(3).documents(40));
    }

    @Test
    void shouldCallAnOfferedToolCompactlyWithTheSchemasArgumentsAndReplyFromItsResult() {
        int calls = 0;
        Set<String> tools = new HashSet<>();
        for (String chat : new ToolConversations(11).documents(300)) {
            String tools0 = chat.substring(chat.indexOf("<tools>"), chat.indexOf("</tools>"));
            List<String> offered = new ArrayList<>();
            OFFERED.matcher(tools0).results().forEach(m -> offered.add(m.group(1)));
            Matcher m = CALL.matcher(chat);
            while (m.find()) {
                calls++;
                JsonNode call = Messages.mapper().readTree(m.group(1));
                String name = call.path("name").asString();
                tools.add(name);
                assertThat(offered).contains(name);
                assertThat(m.group(1)).doesNotContain(" \"").doesNotContain(": ").startsWith("{\"name\":\"" + name + "\",\"arguments\":{");
                JsonNode arguments = call.path("arguments");
                assertThat(iterable(arguments.propertyNames()))
                        .containsExactlyElementsOf(iterable(Messages.mapper().valueToTree(ToolWorld.parameters(name))
                                .path("properties").propertyNames()));
                assertRepliesFromTheResult(name, Messages.mapper().readTree(m.group(2)), m.group(3));
            }
        }
        assertThat(calls).isGreaterThan(250);
        assertThat(tools).containsExactlyInAnyOrderElementsOf(ToolWorld.TOOLS);
    }

    @Test
    void shouldAnswerAGreetingInTextWithoutACall() {
        List<String> greetings = new ToolConversations(12).documents(200).stream()
                .filter(chat -> chat.contains("Hello! I can check")).toList();

        assertThat(greetings).isNotEmpty();
        assertThat(greetings).anySatisfy(chat -> assertThat(chat).doesNotContain("<tool_call>"));
    }

    @Test
    void shouldAlternateStoriesAndChatsWithChatsHeldOutToo() {
        Corpus corpus = Datasets.syntheticWithTools(5, 40);

        assertThat(corpus.train().get(0)).doesNotContain("<|im_start|>");
        assertThat(corpus.train().get(1)).startsWith("<|im_start|>system\n");
        assertThat(corpus.eval()).anySatisfy(doc -> assertThat(doc).contains("<tool_call>"));
        assertThat(corpus.eval()).doesNotContainAnyElementsOf(corpus.train());
    }

    private static void assertRepliesFromTheResult(String tool, JsonNode result, String reply) {
        switch (tool) {
            case ToolWorld.WEATHER -> assertThat(reply).contains(result.path("sky").asString())
                    .contains(result.path("temperature").asInt() + " degrees").contains(result.path("city").asString());
            case ToolWorld.CALCULATOR -> assertThat(reply).endsWith(" is " + result.path("result").asLong() + ".");
            default -> assertThat(reply).contains(result.path("booked").asBoolean()
                    ? "table " + result.path("table").asInt() + "." : "Sorry");
        }
    }

    private static <T> List<T> iterable(Iterable<T> values) {
        List<T> list = new ArrayList<>();
        values.forEach(list::add);
        return list;
    }
}
