package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.TestTokenizers;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import dev.llmplatform.tokenizer.text.HfTokenizer;
import dev.llmplatform.tokenizer.text.IncrementalDecoder;
import dev.llmplatform.tokenizer.text.TokenizerCache;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TokenStreamDecoderTest {

    private final HfTokenizer tokenizer = TestTokenizers.tokenizer();
    private TokenStreamDecoder decoder;

    @BeforeEach
    void writeModel(@TempDir Path root) {
        ModelStore store = new ModelStore(root);
        ModelPackageWriter.write(store, "tiny", "1", "decoder", 0, null, Map.of(), null, dir -> {
            TestTokenizers.files().write(dir);
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), ModelConfig.llama(1, 2, 2, 8, 16,
                    TestTokenizers.VOCAB_SIZE, 64, SpecialTokens.BOS_ID, SpecialTokens.EOS_ID, true));
        });
        decoder = new TokenStreamDecoder(new TokenizerCache(store, 2), new StoppedRequests(16));
    }

    @Test
    void shouldGiveEachTokenItsLogprobEntryEvenWhileItsTextIsHeldBack() {
        int[] ids = tokenizer.encode("饕 the");
        assertThat(tokenizer.decode(Arrays.copyOf(ids, 1))).endsWith("\uFFFD");   // 饕 spans several byte tokens
        List<Integer> first = List.of(ids[0]);
        List<Integer> rest = Arrays.stream(ids).skip(1).boxed().toList();

        var held = (GenerationEvent.Delta) decoder.decode(event(0, first, List.of(), null, List.of())).event().orElseThrow();
        var completed = (GenerationEvent.Completed) decoder.decode(event(1, rest, first, FinishReason.LENGTH, List.of()))
                .event().orElseThrow();

        assertThat(held.text()).isEmpty();
        assertThat(held.logprobs()).singleElement().satisfies(entry -> {
            assertThat(entry.tokenId()).isEqualTo(ids[0]);
            assertThat(entry.token()).isEqualTo(tokenizer.tokenText(ids[0])).contains("\uFFFD");
        });
        assertThat(completed.text()).isEqualTo("饕 the");
        assertThat(completed.logprobs()).extracting(GenerationEvent.LogprobEntry::token)
                .containsExactlyElementsOf(rest.stream().map(tokenizer::tokenText).toList());
        assertThat(completed.logprobs().getLast().top()).extracting(GenerationEvent.LogprobEntry.Alternative::token)
                .containsExactly(tokenizer.tokenText(SpecialTokens.EOS_ID), tokenizer.tokenText(ids[1]));
    }

    @Test
    void shouldPublishNothingForATokenWhoseTextIsHeldBackWhenItHasNoLogprobs() {
        int[] ids = tokenizer.encode("饕 the");
        List<Integer> first = List.of(ids[0]);
        List<Integer> rest = Arrays.stream(ids).skip(1).boxed().toList();
        TokenEvent heldBack = event(0, first, List.of(), null, List.of());
        TokenEvent last = event(1, rest, first, FinishReason.LENGTH, List.of());

        var held = decoder.decode(new TokenEvent(1, "r1", 0, first, List.of(), null, null, null, null, null,
                heldBack.decode(), null));
        var completed = (GenerationEvent.Completed) decoder.decode(new TokenEvent(1, "r1", 1, rest, first, null,
                FinishReason.LENGTH, null, null, null, last.decode(), null)).event().orElseThrow();

        assertThat(held.event()).isEmpty();   // the gateway would only drop an empty Delta
        assertThat(held.cancel()).isEmpty();
        assertThat(completed.text()).isEqualTo("饕 the");
        assertThat(completed.usage().completionTokens()).isEqualTo(ids.length);   // the dropped token still counts
    }

    @Test
    void shouldGiveThePromptsLogprobsTheirTokenTextsSpellingThePrompt() {
        List<Integer> prompt = Arrays.stream(tokenizer.encode("the model learns")).boxed().toList();
        List<TokenLogprob> scored = new ArrayList<>();
        scored.add(new TokenLogprob(prompt.getFirst(), 0, List.of()));
        prompt.stream().skip(1).forEach(id -> scored.add(new TokenLogprob(id, -0.25, List.of(
                new TokenLogprob.Alternative(SpecialTokens.EOS_ID, -0.1)))));
        TokenEvent first = event(0, List.of(prompt.getFirst()), List.of(), null, List.of());
        TokenEvent withPrompt = new TokenEvent(1, "r1", 0, first.tokenIds(), first.contextTokenIds(), first.logprobs(),
                null, null, null, null, first.decode(), scored);

        var delta = (GenerationEvent.Delta) decoder.decode(withPrompt).event().orElseThrow();
        var next = (GenerationEvent.Delta) decoder.decode(event(1, List.of(prompt.get(1)), List.of(prompt.getFirst()),
                null, List.of())).event().orElseThrow();

        assertThat(delta.promptLogprobs()).extracting(GenerationEvent.LogprobEntry::tokenId).containsExactlyElementsOf(prompt);
        assertThat(String.join("", delta.promptLogprobs().stream().map(GenerationEvent.LogprobEntry::token).toList()))
                .isEqualTo("the model learns");
        assertThat(delta.promptLogprobs().getFirst().top()).isEmpty();
        assertThat(delta.promptLogprobs().get(1).logprob()).isEqualTo(-0.25);
        assertThat(delta.promptLogprobs().get(1).top()).extracting(GenerationEvent.LogprobEntry.Alternative::token)
                .containsExactly(tokenizer.tokenText(SpecialTokens.EOS_ID));
        assertThat(next.promptLogprobs()).isNull();
    }

    @Test
    void shouldKeepEntriesOfTokensCutOffByAStopString() {
        List<Integer> ids = Arrays.stream(tokenizer.encode("the model learns")).boxed().toList();

        var completed = (GenerationEvent.Completed) decoder.decode(event(0, ids, List.of(), null, List.of(" model")))
                .event().orElseThrow();

        assertThat(completed.text()).isEqualTo("the");
        assertThat(completed.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(completed.stopSequence()).isEqualTo(" model");
        assertThat(completed.logprobs()).extracting(GenerationEvent.LogprobEntry::tokenId).containsExactlyElementsOf(ids);
        assertThat(String.join("", completed.logprobs().stream().map(GenerationEvent.LogprobEntry::token).toList()))
                .isEqualTo("the model learns");
    }

    @Test
    void shouldAnswerANonStreamedRequestWithOneCompletedHoldingTheWholeTextCutAtItsStopString() {
        List<Integer> ids = Arrays.stream(tokenizer.encode("罕见的饕餮 🐊 the model learns")).boxed().toList();

        var output = decoder.decode(whole(ids, FinishReason.LENGTH, List.of(" model")));

        assertThat(output.event()).get().isInstanceOfSatisfying(GenerationEvent.Completed.class, completed -> {
            assertThat(completed.text()).isEqualTo("罕见的饕餮 🐊 the");
            assertThat(completed.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(completed.stopSequence()).isEqualTo(" model");
            assertThat(completed.tokenIds()).isEqualTo(ids);
        });
        // The engine already finished: there is nothing to cancel.
        assertThat(output.cancel()).isEmpty();
    }

    @Test
    void shouldFailANonStreamedRequestOnceWhenItsEngineStreamsIt() {
        List<Integer> ids = Arrays.stream(tokenizer.encode("the model learns")).boxed().toList();
        TokenEvent first = whole(ids.subList(0, 1), null, List.of());
        TokenEvent last = new TokenEvent(1, "r1", 1, ids.subList(1, ids.size()), ids.subList(0, 1), null,
                FinishReason.LENGTH, null, null, null, first.decode(), null);

        var failed = decoder.decode(first);
        var late = decoder.decode(last);

        assertThat(failed.event()).get().isInstanceOfSatisfying(GenerationEvent.Failed.class,
                f -> assertThat(f.error().status()).isEqualTo(500));
        assertThat(failed.cancel()).isPresent();
        assertThat(late.event()).isEmpty();
    }

    @Test
    void shouldCancelANonStreamedRequestWhenAStopCheckFindsItsStopStringAcrossEvents() {
        List<String> stop = List.of(" model");
        List<Integer> ids = Arrays.stream(tokenizer.encode("饕 the model learns")).boxed().toList();
        int split = 1;   // the first check ends one token before " model" is complete
        while (!tokenizer.decode(ids.subList(0, split + 1).stream().mapToInt(Integer::intValue).toArray(), true).contains(" model")) {
            split++;
        }
        DecodeContext decode = whole(ids, null, stop).decode();
        TokenEvent firstCheck = new TokenEvent(1, "r1", 0, ids.subList(0, split), List.of(), null, null, null, null, null, decode, null);
        int from = Math.max(0, split - decode.contextTokens());
        TokenEvent secondCheck = new TokenEvent(1, "r1", split, ids.subList(split, ids.size()), ids.subList(from, split),
                null, null, null, null, null, decode, null);

        var quiet = decoder.decode(firstCheck);
        var cancel = decoder.decode(secondCheck);
        // The engine stops (cancelled) and sends every id: that one event is the caller's answer.
        var last = decoder.decode(whole(ids, FinishReason.CANCELLED, stop));

        assertThat(quiet.event()).isEmpty();
        assertThat(quiet.cancel()).isEmpty();
        assertThat(cancel.event()).isEmpty();
        assertThat(cancel.cancel()).get().satisfies(c -> assertThat(c.requestId()).isEqualTo("r1"));
        assertThat(last.event()).get().isInstanceOfSatisfying(GenerationEvent.Completed.class, completed -> {
            assertThat(completed.text()).isEqualTo("饕 the");
            assertThat(completed.finishReason()).isEqualTo(FinishReason.STOP);
        });
    }

    /** One event with every token of a non-streamed request, as the engine sends it: offset 0, no context. */
    private static TokenEvent whole(List<Integer> tokens, FinishReason finish, List<String> stop) {
        DecodeContext decode = new DecodeContext("tiny", "1", new ReplyTo("batch-results", 0), stop, false,
                IncrementalDecoder.contextTokensFor(stop), 3);
        return new TokenEvent(1, "r1", 0, tokens, List.of(), null, finish, null, null, null, decode, null);
    }

    /** Logprobs for every token: each chosen with -0.5, alternatives EOS (-1) and the second token (-2). */
    private TokenEvent event(int offset, List<Integer> tokens, List<Integer> context, FinishReason finish, List<String> stop) {
        int second = tokenizer.encode("饕 the")[1];
        List<TokenLogprob> logprobs = tokens.stream().map(id -> new TokenLogprob(id, -0.5, List.of(
                new TokenLogprob.Alternative(SpecialTokens.EOS_ID, -1), new TokenLogprob.Alternative(second, -2)))).toList();
        DecodeContext decode = new DecodeContext("tiny", "1", new ReplyTo("replies", 0), stop, true,
                IncrementalDecoder.contextTokensFor(stop), 3);
        return new TokenEvent(1, "r1", offset, tokens, context, logprobs, finish, null, null, null, decode, null);
    }
}
