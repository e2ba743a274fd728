package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.kafka.TraceHeaders;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TokenEventPublisherTest {

    private static final DecodeContext DECODE =
            new DecodeContext("tiny", "1", new ReplyTo("replies", 0), List.of("\n"), true, 2, 3);

    @Test
    void shouldCoalescePendingTokensAndCarryTheTokensBeforeThem() throws InterruptedException {
        CountDownLatch firstSent = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<TokenEvent> sent = new CopyOnWriteArrayList<>();
        try (TokenEventPublisher publisher = new TokenEventPublisher((event, trace) -> {
            sent.add(event);
            firstSent.countDown();
            awaitQuietly(release);
        })) {
            publisher.open("r", DECODE, TraceHeaders.NONE);
            publisher.onTokens("r", 0, new int[]{10}, null);
            assertThat(firstSent.await(5, TimeUnit.SECONDS)).isTrue();
            // The producer is busy: these three pile up and must leave as one record.
            publisher.onTokens("r", 1, new int[]{11}, null);
            publisher.onTokens("r", 2, new int[]{12}, null);
            publisher.onTokens("r", 3, new int[]{13}, null);
            publisher.onFinished("r", FinishReason.LENGTH, new Usage(3, 4), new Timings(1, 2, 3), null);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.openStreams() == 0);
        }
        assertThat(sent).hasSize(2);
        TokenEvent first = sent.get(0);
        assertThat(first.offset()).isZero();
        assertThat(first.tokenIds()).containsExactly(10);
        assertThat(first.contextTokenIds()).isEmpty();
        assertThat(first.isLast()).isFalse();
        TokenEvent last = sent.get(1);
        assertThat(last.offset()).isEqualTo(1);
        assertThat(last.tokenIds()).containsExactly(11, 12, 13);
        assertThat(last.contextTokenIds()).containsExactly(10);
        assertThat(last.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(last.usage()).isEqualTo(new Usage(3, 4));
        assertThat(last.decode()).isEqualTo(DECODE);
    }

    @Test
    void shouldSendANonStreamedRequestAsOneEventWithEveryTokenWhenItFinishes() throws InterruptedException {
        DecodeContext whole = new DecodeContext("tiny", "1", new ReplyTo("batch-results", 0), List.of(), false, 2, 3);
        CountDownLatch sentOne = new CountDownLatch(1);
        List<TokenEvent> sent = new CopyOnWriteArrayList<>();
        try (TokenEventPublisher publisher = new TokenEventPublisher((event, trace) -> {
            sent.add(event);
            sentOne.countDown();
        })) {
            publisher.open("r", whole, TraceHeaders.NONE);
            for (int i = 0; i < 5; i++) {
                publisher.onTokens("r", i, new int[]{30 + i}, List.of(new TokenLogprob(30 + i, -0.1 * i, List.of())));
            }
            // Nothing may leave before the finish, however long the publisher has been idle.
            assertThat(sentOne.await(200, TimeUnit.MILLISECONDS)).isFalse();
            publisher.onFinished("r", FinishReason.LENGTH, new Usage(3, 5), new Timings(1, 2, 3), null);
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.openStreams() == 0);
        }
        assertThat(sent).singleElement().satisfies(event -> {
            assertThat(event.offset()).isZero();
            assertThat(event.tokenIds()).containsExactly(30, 31, 32, 33, 34);
            assertThat(event.contextTokenIds()).isEmpty();
            assertThat(event.logprobs()).extracting(TokenLogprob::tokenId).containsExactly(30, 31, 32, 33, 34);
            assertThat(event.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(event.usage()).isEqualTo(new Usage(3, 5));
        });
    }

    @Test
    void shouldSendStopChecksOfANonStreamedRequestWithStopStringsAndStillEndWithEveryToken() {
        DecodeContext whole = new DecodeContext("tiny", "1", new ReplyTo("batch-results", 0), List.of("\n"), false, 2, 3);
        List<TokenEvent> sent = new CopyOnWriteArrayList<>();
        try (TokenEventPublisher publisher = new TokenEventPublisher((event, trace) -> sent.add(event))) {
            publisher.open("r", whole, TraceHeaders.NONE);
            for (int i = 0; i < 5; i++) {
                publisher.onTokens("r", i, new int[]{30 + i}, List.of(new TokenLogprob(30 + i, -0.1 * i, List.of())));
                int expected = i + 1;
                await().atMost(Duration.ofSeconds(5)).until(() ->
                        sent.stream().mapToInt(e -> e.tokenIds().size()).sum() == expected);
            }
            publisher.onFinished("r", FinishReason.CANCELLED, new Usage(3, 5), new Timings(1, 2, 3), null);
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.openStreams() == 0);
        }
        List<TokenEvent> checks = sent.subList(0, sent.size() - 1);
        assertThat(checks).hasSize(5).allSatisfy(check -> {
            assertThat(check.isLast()).isFalse();
            assertThat(check.logprobs()).isNull();
        });
        assertThat(checks).extracting(TokenEvent::offset).containsExactly(0, 1, 2, 3, 4);
        assertThat(checks.get(3).contextTokenIds()).containsExactly(31, 32);
        assertThat(sent.getLast()).satisfies(last -> {
            assertThat(last.offset()).isZero();
            assertThat(last.tokenIds()).containsExactly(30, 31, 32, 33, 34);
            assertThat(last.contextTokenIds()).isEmpty();
            assertThat(last.logprobs()).hasSize(5);
            assertThat(last.finishReason()).isEqualTo(FinishReason.CANCELLED);
        });
    }

    @Test
    void shouldSendTheFirstTokenAtOnceThenTokensInGroupsOfTheStreamInterval() {
        List<TokenEvent> sent = new CopyOnWriteArrayList<>();
        try (TokenEventPublisher publisher = new TokenEventPublisher((event, trace) -> sent.add(event), 3)) {
            publisher.open("r", DECODE, TraceHeaders.NONE);
            for (int i = 0; i < 6; i++) {
                publisher.onTokens("r", i, new int[]{40 + i}, null);
                // Let the publisher catch up after each token, so only the interval groups them.
                int handed = i + 1;
                await().during(Duration.ofMillis(20)).atMost(Duration.ofSeconds(5)).until(() ->
                        sent.stream().mapToInt(e -> e.tokenIds().size()).sum() == (handed < 4 ? 1 : 4));
            }
            publisher.onFinished("r", FinishReason.LENGTH, new Usage(3, 6), new Timings(1, 2, 3), null);
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.openStreams() == 0);
        }
        assertThat(sent).extracting(TokenEvent::tokenIds)
                .containsExactly(List.of(40), List.of(41, 42, 43), List.of(44, 45));
        assertThat(sent).extracting(TokenEvent::offset).containsExactly(0, 1, 4);
        assertThat(sent.getLast().isLast()).isTrue();
    }

    @Test
    void shouldKeepOnlyTheLastContextTokens() {
        List<TokenEvent> sent = new CopyOnWriteArrayList<>();
        try (TokenEventPublisher publisher = new TokenEventPublisher((event, trace) -> sent.add(event))) {
            publisher.open("r", DECODE, TraceHeaders.NONE);
            for (int i = 0; i < 5; i++) {
                publisher.onTokens("r", i, new int[]{20 + i}, null);
                int expected = i + 1;
                await().atMost(Duration.ofSeconds(5)).until(() -> sent.stream().mapToInt(e -> e.tokenIds().size()).sum() == expected);
            }
        }
        assertThat(sent.getLast().offset()).isEqualTo(4);
        assertThat(sent.getLast().contextTokenIds()).containsExactly(22, 23);
    }

    @Test
    void shouldEndARefusedRequestWithOneErrorEvent() {
        List<TokenEvent> sent = new CopyOnWriteArrayList<>();
        try (TokenEventPublisher publisher = new TokenEventPublisher((event, trace) -> sent.add(event))) {
            publisher.refuse("r", DECODE, 3, ErrorInfo.notFound("no such model", "model"), TraceHeaders.NONE);
        }
        assertThat(sent).singleElement().satisfies(event -> {
            assertThat(event.finishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(event.error().status()).isEqualTo(404);
            assertThat(event.usage()).isEqualTo(new Usage(3, 0));
            assertThat(event.tokenIds()).isEmpty();
        });
    }

    @Test
    void shouldRefuseToOpenARequestThatIsAlreadyOpen() {
        try (TokenEventPublisher publisher = new TokenEventPublisher((event, trace) -> { })) {
            assertThat(publisher.open("r", DECODE, TraceHeaders.NONE)).isTrue();
            assertThat(publisher.open("r", DECODE, TraceHeaders.NONE)).isFalse();
            publisher.onFinished("r", FinishReason.STOP, new Usage(3, 1), new Timings(0, 0, 0), null);
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.openStreams() == 0);
            assertThat(publisher.open("r", DECODE, TraceHeaders.NONE)).isTrue();
        }
    }

    @Test
    void shouldSendEveryEventWithItsRequestsTraceAndLogThatTraceId() {
        TraceHeaders traceA = new TraceHeaders("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);
        TraceHeaders traceB = new TraceHeaders("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "k=v");
        Map<String, List<TraceHeaders>> traces = new ConcurrentHashMap<>();
        List<String> mdcTraceIds = new CopyOnWriteArrayList<>();
        try (TokenEventPublisher publisher = new TokenEventPublisher((event, trace) -> {
            traces.computeIfAbsent(event.requestId(), id -> new CopyOnWriteArrayList<>()).add(trace);
            mdcTraceIds.add(event.requestId() + ":" + MDC.get("traceId"));
        })) {
            publisher.open("a", DECODE, traceA);
            publisher.open("b", DECODE, traceB);
            for (int i = 0; i < 3; i++) {
                publisher.onTokens("a", i, new int[]{i}, null);
                publisher.onTokens("b", i, new int[]{i}, null);
            }
            publisher.onFinished("a", FinishReason.LENGTH, new Usage(1, 3), new Timings(0, 0, 0), null);
            publisher.onFinished("b", FinishReason.LENGTH, new Usage(1, 3), new Timings(0, 0, 0), null);
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.openStreams() == 0);
        }
        assertThat(traces.get("a")).isNotEmpty().containsOnly(traceA);
        assertThat(traces.get("b")).isNotEmpty().containsOnly(traceB);
        assertThat(mdcTraceIds).allMatch(s -> s.equals("a:" + traceA.traceId()) || s.equals("b:" + traceB.traceId()));
    }

    @Test
    void shouldSendWhatOneEngineStepReportsAsOneStepRecordWhateverTheRepliesDestinations() {
        DecodeContext elsewhere = new DecodeContext("tiny", "1", new ReplyTo("replies", 5), List.of(), true, 2, 3);
        DecodeContext batch = new DecodeContext("tiny", "1", new ReplyTo("batch-results", 0), List.of(), false, 2, 3);
        List<TokenStep> steps = new CopyOnWriteArrayList<>();
        try (TokenEventPublisher publisher = new TokenEventPublisher(step -> {
            steps.add(step);
            return CompletableFuture.completedFuture(null);
        }, 1)) {
            publisher.open("a", DECODE, TraceHeaders.NONE);
            publisher.open("b", elsewhere, TraceHeaders.NONE);
            publisher.open("c", batch, TraceHeaders.NONE);
            for (int i = 0; i < 3; i++) {
                int before = steps.size();
                publisher.beginStep();
                publisher.onTokens("a", i, new int[]{10 + i}, null);
                publisher.onTokens("b", i, new int[]{20 + i}, null);
                publisher.onTokens("c", i, new int[]{30 + i}, null);
                if (i == 2) {
                    publisher.onFinished("a", FinishReason.LENGTH, new Usage(3, 3), new Timings(0, 0, 0), null);
                    publisher.onFinished("b", FinishReason.LENGTH, new Usage(3, 3), new Timings(0, 0, 0), null);
                    publisher.onFinished("c", FinishReason.LENGTH, new Usage(3, 3), new Timings(0, 0, 0), null);
                }
                // Nothing leaves mid-step: the publisher thread is idle, yet waits for the step's end.
                await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(5)).until(() -> steps.size() == before);
                publisher.endStep();
                await().atMost(Duration.ofSeconds(5)).until(() -> steps.size() == before + 1);
            }
        }
        // Streamed requests a and b, to different reply partitions, share each step's record; the whole request c
        // is in the last one only.
        assertThat(steps).hasSize(3);
        assertThat(steps.get(0).items()).extracting(item -> item.event().requestId()).containsExactly("a", "b");
        assertThat(steps.get(1).items()).extracting(item -> item.event().requestId()).containsExactly("a", "b");
        assertThat(steps.get(2).items()).extracting(item -> item.event().requestId()).containsExactly("a", "b", "c");
        assertThat(steps.get(2).items().get(2).event().tokenIds()).containsExactly(30, 31, 32);
        assertThat(steps.get(1).items().get(1).event().decode().replyTo()).isEqualTo(new ReplyTo("replies", 5));
    }

    @Test
    void shouldHoldStepsWhileARecordIsInFlightAndSendThemTogetherWhenItIsAnswered() {
        List<TokenStep> steps = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> answers = new CopyOnWriteArrayList<>();
        try (TokenEventPublisher publisher = new TokenEventPublisher(step -> {
            steps.add(step);
            CompletableFuture<Void> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }, 1)) {
            publisher.open("a", DECODE, TraceHeaders.NONE);
            for (int i = 0; i < 4; i++) {
                publisher.beginStep();
                publisher.onTokens("a", i, new int[]{50 + i}, null);
                publisher.endStep();
            }
            // The first step left at once; the other three wait for its answer.
            await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> steps.size() == 1);
            answers.getFirst().complete(null);
            await().atMost(Duration.ofSeconds(5)).until(() -> steps.size() == 2);
            answers.get(1).complete(null);
            publisher.beginStep();
            publisher.onFinished("a", FinishReason.LENGTH, new Usage(3, 4), new Timings(0, 0, 0), null);
            publisher.endStep();
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.openStreams() == 0);
        }
        assertThat(steps).extracting(step -> step.items().getFirst().event().tokenIds())
                .containsExactly(List.of(50), List.of(51, 52, 53), List.of());
        assertThat(steps.getLast().items().getFirst().event().isLast()).isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
