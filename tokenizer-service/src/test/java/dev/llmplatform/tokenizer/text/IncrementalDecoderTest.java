package dev.llmplatform.tokenizer.text;

import dev.llmplatform.tokenizer.TestTokenizers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class IncrementalDecoderTest {

    private static final List<String> TEXTS = List.of(
            "模型学习预测下一个词元，注意力在每一层看前面的词元。",
            "emoji 👍🏽 and 👨‍👩‍👧‍👦 and 🇯🇵 flags 🙂🙂",
            "combining e\u0301 n\u0303 \u0915\u094d\u0937 a\u0308\u0304 done",
            "the model learns\n\n to predict   the next token");

    private final HfTokenizer tokenizer = TestTokenizers.tokenizer();
    private final IncrementalDecoder decoder = new IncrementalDecoder(ids -> tokenizer.decode(ids, true));

    @Test
    void shouldEqualTheFullDecodeOverAnyChunking() {
        Random random = new Random(11);
        List<String> texts = new ArrayList<>(TEXTS);
        for (int i = 0; i < 30; i++) {
            texts.add(randomText(random, 5 + random.nextInt(40)));
        }
        for (String text : texts) {
            int[] ids = tokenizer.encode(text);
            for (int trial = 0; trial < 5; trial++) {
                Stream stream = stream(ids, chunking(ids.length, trial == 0 ? 1 : 1 + random.nextInt(4), random), List.of());
                assertThat(stream.text()).as("chunked decode of %s", text).isEqualTo(text);
                assertThat(stream.stopped()).isFalse();
                if (text.indexOf('\uFFFD') < 0) {
                    assertThat(stream.deltas()).noneMatch(delta -> delta.indexOf('\uFFFD') >= 0);
                }
            }
        }
    }

    @Test
    void shouldFindStopStringsSpanningChunksAndNeverEmitAnyPartOfThem() {
        // "learns 预测" spans three tokens and ends inside one; "字结" spans rare characters split into bytes.
        assertStopsCleanly("模型学习 the model learns 预测下一个词元 and more", List.of("learns 预测", "\n\n"),
                "模型学习 the model ");
        assertStopsCleanly("汉字 模型 罕见汉字结束 then more", List.of("字结"), "汉字 模型 罕见汉");
    }

    @Test
    void shouldNameTheStopStringThatStartsFirst() {
        int[] ids = tokenizer.encode("the model learns to predict");
        List<Integer> all = Arrays.stream(ids).boxed().toList();

        IncrementalDecoder.Step step = decoder.next(List.of(), all, List.of("predict", "learns", "model learns"), true);

        assertThat(step.stopSequence()).isEqualTo("model learns");
        assertThat(step.text()).isEqualTo("the ");
        assertThat(decoder.next(List.of(), all, List.of("nowhere"), true).stopSequence()).isNull();
    }

    private void assertStopsCleanly(String text, List<String> stops, String expected) {
        int[] ids = tokenizer.encode(text);
        Random random = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            Stream stream = stream(ids, chunking(ids.length, trial == 0 ? 1 : 1 + random.nextInt(5), random), stops);
            assertThat(stream.stopped()).isTrue();
            assertThat(stream.text()).isEqualTo(expected);
            // Every intermediate output is a prefix of the final one: nothing of the stop string leaked.
            StringBuilder soFar = new StringBuilder();
            for (String delta : stream.deltas()) {
                soFar.append(delta);
                assertThat(expected).startsWith(soFar.toString());
            }
        }
    }

    @Test
    void shouldStopAtTheEarliestOfSeveralStopStrings() {
        String text = "one 👍🏽 two END three STOP";
        int[] ids = tokenizer.encode(text);
        Stream stream = stream(ids, chunking(ids.length, 100, new Random(1)), List.of("STOP", "END", "👍🏽 t"));
        assertThat(stream.stopped()).isTrue();
        assertThat(stream.text()).isEqualTo("one ");
    }

    @Test
    void shouldReleaseHeldBackTextWhenItIsNotAStopAfterAllAndFlushItAtTheEnd() {
        int[] ids = tokenizer.encode("say STOPPER and ST");
        Stream stream = stream(ids, chunking(ids.length, 1, new Random(1)), List.of("STOP!"));
        assertThat(stream.stopped()).isFalse();
        assertThat(stream.text()).isEqualTo("say STOPPER and ST");
        // "ST" at the end could begin "STOP!" so only the last event (the flush) sends it.
        assertThat(stream.deltas().getLast()).endsWith("ST");
    }

    @Test
    void shouldSkipEmptyStopStringsAndDropAnIncompleteCharacterAtTheEnd() {
        int[] ids = tokenizer.encode("好");
        assertThat(ids.length).isGreaterThan(1);
        int[] partial = Arrays.copyOf(ids, ids.length - 1);
        IncrementalDecoder.Step step = decoder.next(List.of(), boxed(partial), List.of(""), true);
        assertThat(step.text()).isEmpty();
        assertThat(step.stopped()).isFalse();
    }

    @Test
    void shouldSizeTheContextForTheLongestStopString() {
        assertThat(IncrementalDecoder.contextTokensFor(List.of())).isEqualTo(8);
        assertThat(IncrementalDecoder.contextTokensFor(List.of("a", "\n\nUser:"))).isEqualTo(4 * 7 + 8);
    }

    private record Stream(String text, List<String> deltas, boolean stopped) {
    }

    /** Feeds events the way the engine sends them: each carries only its tokens and the preceding context. */
    private Stream stream(int[] ids, List<Integer> sizes, List<String> stops) {
        int contextTokens = IncrementalDecoder.contextTokensFor(stops);
        List<Integer> all = boxed(ids);
        List<String> deltas = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < sizes.size(); i++) {
            int end = offset + sizes.get(i);
            List<Integer> context = all.subList(Math.max(0, offset - contextTokens), offset);
            IncrementalDecoder.Step step = decoder.next(context, all.subList(offset, end), stops, i == sizes.size() - 1);
            deltas.add(step.text());
            if (step.stopped()) {
                return new Stream(String.join("", deltas), deltas, true);
            }
            offset = end;
        }
        return new Stream(String.join("", deltas), deltas, false);
    }

    private static List<Integer> chunking(int total, int maxChunk, Random random) {
        List<Integer> sizes = new ArrayList<>();
        for (int left = total; left > 0; ) {
            int size = Math.min(left, 1 + random.nextInt(maxChunk));
            sizes.add(size);
            left -= size;
        }
        return sizes;
    }

    private static List<Integer> boxed(int[] ids) {
        return Arrays.stream(ids).boxed().toList();
    }

    private static String randomText(Random random, int codePoints) {
        StringBuilder sb = new StringBuilder();
        while (sb.codePointCount(0, sb.length()) < codePoints) {
            int cp = switch (random.nextInt(4)) {
                case 0 -> 0x20 + random.nextInt(0x5F);
                case 1 -> 0x4E00 + random.nextInt(0x5000);
                case 2 -> 0x1F300 + random.nextInt(0x300);
                default -> 0x300 + random.nextInt(0x70);
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
