package dev.llmplatform.constraint;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code tool_choice: auto}'s constraint: free text, except that once the opening text of a call is written the call
 * must be one of the tools' with arguments valid against its schema; then text again.
 */
class ToolCallsOrTextConstraintTest {

    private static final String OPEN = "<tool_call>";
    private static final String AUTO = """
            {"open":"<tool_call>","alternatives":
             [{"before":"<tool_call>{\\"name\\":\\"weather\\",\\"arguments\\":",
               "schema":{"type":"object","properties":{"city":{"enum":["Paris","Oslo"]}},"required":["city"],
                         "additionalProperties":false},
               "after":"}</tool_call>"},
              {"before":"<tool_call>{\\"name\\":\\"time\\",\\"arguments\\":","schema":{"type":"object","properties":{},
               "additionalProperties":false},"after":"}</tool_call>"}]}""";
    private static final Pattern CALL = Pattern.compile(
            "\\{\"name\":\"(weather|time)\",\"arguments\":(\\{[^}]*})}</tool_call>");

    private static final ByteDfa DFA = Constraints.compile(Constraints.toolCallsOrText(AUTO));

    private static boolean matches(String output) {
        return DFA.matches(output.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldLetAnyTextThroughThatOpensNoCall() {
        assertThat(matches("")).isTrue();
        assertThat(matches("It is sunny in Oslo, 20 °C. 名前 😀 <b>bold</b> <tool")).isTrue();
        assertThat(matches("<tool_cal")).as("a prefix of the opening text is still text").isTrue();
        assertThat(matches("{\"name\":\"weather\"}")).isTrue();
    }

    @Test
    void shouldHoldEveryCallThatStartsToItsToolsSchema() {
        assertThat(matches("<tool_call>{\"name\":\"weather\",\"arguments\":{\"city\":\"Oslo\"}}</tool_call>")).isTrue();
        assertThat(matches("Let me look. <tool_call>{\"name\":\"time\",\"arguments\":{}}</tool_call>\n"
                + "<tool_call>{\"name\":\"weather\",\"arguments\":{\"city\":\"Paris\"}}</tool_call> Done.")).isTrue();
        assertThat(matches("<tool_cal<tool_call>{\"name\":\"time\",\"arguments\":{}}</tool_call>"))
                .as("a false start, then a call").isTrue();

        assertThat(matches("<tool_call>{\"name\":\"weather\",\"arguments\":{\"city\":\"Rome\"}}</tool_call>"))
                .as("outside the enum").isFalse();
        assertThat(matches("<tool_call>{\"name\":\"news\",\"arguments\":{}}</tool_call>")).as("no such tool").isFalse();
        assertThat(matches("<tool_call> sure")).as("an opened call must be a call").isFalse();
        assertThat(matches("<tool_call>{\"name\":\"time\",\"arguments\":{}}")).as("cut short").isFalse();
        assertThat(matches("ok <tool_call>{\"name\":\"time\",\"arguments\":{}}</tool_call> <tool_call>{}"))
                .as("the second call too").isFalse();
    }

    @Test
    void shouldBoundTheNumberOfCallsWithMaxCalls() {
        ByteDfa one = Constraints.compile(Constraints.toolCallsOrText(AUTO.replaceFirst("^\\{", "{\"max_calls\":1,")));
        String call = "<tool_call>{\"name\":\"time\",\"arguments\":{}}</tool_call>";

        assertThat(one.matches(("Sure. " + call + " Done.").getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(one.matches((call + call).getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(matches(call + call)).as("unbounded without max_calls").isTrue();
        assertThatThrownBy(() -> Constraints.toolCallsOrText(AUTO.replaceFirst("^\\{", "{\"max_calls\":0,")))
                .isInstanceOf(ConstraintException.class).hasMessageContaining("max_calls");
    }

    @Test
    void shouldKillTheTextBranchOnceTheOpeningTextIsComplete() {
        int inCall = DFA.walk(DFA.start(), "Hi <tool_call>".getBytes(StandardCharsets.UTF_8));
        assertThat(DFA.isAccepting(inCall)).as("no ending inside a call").isFalse();
        assertThat(DFA.next(inCall, 'x')).isEqualTo(ByteDfa.DEAD);
        assertThat(DFA.next(inCall, '{')).isNotEqualTo(ByteDfa.DEAD);
        int text = DFA.walk(DFA.start(), "Hi <tool_".getBytes(StandardCharsets.UTF_8));
        assertThat(DFA.next(text, 'x')).as("a false start stays text").isNotEqualTo(ByteDfa.DEAD);
    }

    @Test
    void shouldKeepGeneratedCallsValidWhenTheModelPrefersCallsAndForbiddenTokens() {
        TokenVocabulary vocabulary = vocabulary();
        TokenMasks masks = new TokenMasks(DFA, vocabulary, new int[]{ToyVocabularies.EOS});
        int open = indexOf(vocabulary, OPEN);
        ConstrainedWalk.Logits callHappy = (allowed, random) -> {
            float[] l = ConstrainedWalk.ADVERSARIAL.next(allowed, random);
            l[open] += 150;   // above every forbidden token: the model opens calls whenever it may
            return l;
        };
        int calls = 0;
        for (long seed = 0; seed < 40; seed++) {
            String out = new String(ConstrainedWalk.generate(masks, ToyVocabularies.EOS, callHappy, seed, 60),
                    StandardCharsets.UTF_8);
            assertThat(matches(out)).as(out).isTrue();
            List<String> afterOpen = new ArrayList<>(Arrays.asList(out.split(Pattern.quote(OPEN), -1)));
            afterOpen.removeFirst();
            for (String call : afterOpen) {
                Matcher m = CALL.matcher(call);
                assertThat(m.lookingAt()).as("every opened call is a whole call: %s", out).isTrue();
                JsonNode arguments = JsonMapper.builder().build().readTree(m.group(2));
                if (m.group(1).equals("weather")) {
                    assertThat(arguments.propertyNames()).containsExactly("city");
                    assertThat(arguments.get("city").asString()).isIn("Paris", "Oslo");
                } else {
                    assertThat(arguments.isEmpty()).isTrue();
                }
                calls++;
            }
        }
        assertThat(calls).as("the walk did open calls").isGreaterThan(0);
    }

    @Test
    void shouldRefuseAlternativesThatDoNotStartWithTheOpeningTextAndTriggersThatAreNotAscii() {
        assertThatThrownBy(() -> Constraints.toolCallsOrText("""
                {"open":"<tool_call>","alternatives":[{"before":"{","schema":{"type":"object"},"after":"}"}]}"""))
                .isInstanceOf(ConstraintException.class).hasMessageContaining("<tool_call>");
        assertThatThrownBy(() -> Constraints.toolCallsOrText("""
                {"open":"→","alternatives":[{"before":"→{","schema":{"type":"object"},"after":"}"}]}"""))
                .isInstanceOf(ConstraintException.class).hasMessageContaining("ASCII");
        assertThatThrownBy(() -> Constraints.toolCallsOrText("[]")).isInstanceOf(ConstraintException.class);
    }

    /** The toy byte-level vocabulary plus the pieces a Hermes model writes calls with, the opening tag one token. */
    private static TokenVocabulary vocabulary() {
        TokenVocabulary base = ToyVocabularies.byteLevel();
        List<byte[]> tokens = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            tokens.add(base.bytes(i));
        }
        for (String piece : List.of(OPEN, "<tool_", "call>", "</tool_call>", "{\"name\":\"weather\",\"arguments\":",
                "{\"name\":\"", "time", "weather", "city", "Oslo", "Rome", "Paris", "\"arguments\":{")) {
            tokens.add(piece.getBytes(StandardCharsets.UTF_8));
        }
        return new TokenVocabulary(tokens.toArray(new byte[0][]));
    }

    private static int indexOf(TokenVocabulary vocabulary, String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < vocabulary.size(); i++) {
            if (Arrays.equals(vocabulary.bytes(i), bytes)) {
                return i;
            }
        }
        throw new AssertionError(piece);
    }
}
