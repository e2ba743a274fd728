package dev.llmplatform.gateway.generation;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.gateway.support.Replies;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplyRouterTest {

    private final ReplyRouter router = new ReplyRouter();

    @Test
    void shouldEndAStreamWhoseSubscriberFellPastTheBacklogBoundOnceAndLeaveOthersFlowing() {
        java.util.concurrent.atomic.AtomicInteger counted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger cancelled = new java.util.concurrent.atomic.AtomicInteger();
        ReplyRouter bounded = new ReplyRouter(3, counted::incrementAndGet);
        Flux<GenerationEvent> slow = bounded.register("slow", cancelled::incrementAndGet);
        List<GenerationEvent> fast = new ArrayList<>();
        bounded.register("fast").subscribe(fast::add);

        for (int i = 0; i < 10; i++) {
            bounded.route(Replies.delta("slow", "s" + i));
            bounded.route(Replies.delta("fast", "f" + i));
        }
        bounded.route(Replies.completed("fast", "!", FinishReason.STOP, new Usage(1, 11)));

        assertThat(counted).hasValue(1);
        assertThat(cancelled).as("the generation is cancelled at once, not once the client reads").hasValue(1);
        assertThat(fast).hasSize(11);
        assertThat(bounded.pendingCount()).isZero();
        List<GenerationEvent> got = slow.collectList().block(Duration.ofSeconds(1));
        assertThat(got).hasSize(4);
        assertThat(got.subList(0, 3)).extracting(ReplyRouterTest::text).containsExactly("s0", "s1", "s2");
        assertThat(got.getLast()).isInstanceOfSatisfying(GenerationEvent.Failed.class,
                failed -> assertThat(failed.error().code()).isEqualTo(ReplyRouter.SLOW_CONSUMER));
    }

    @Test
    void shouldNotCountEventsTheSubscriberHasTakenAgainstTheBound() {
        ReplyRouter bounded = new ReplyRouter(2, () -> { });
        List<GenerationEvent> got = new ArrayList<>();
        bounded.register("a").subscribe(got::add);
        for (int i = 0; i < 50; i++) {
            bounded.route(Replies.delta("a", "a" + i));
        }
        assertThat(got).hasSize(50).noneMatch(e -> e instanceof GenerationEvent.Failed);
    }

    @Test
    void shouldDeliverEachRequestItsOwnEventsBufferedUntilSubscribedAndCompleteAfterTheLast() {
        Flux<GenerationEvent> a = router.register("a");
        Flux<GenerationEvent> b = router.register("b");
        router.route(Replies.delta("a", "A1"));
        router.route(Replies.delta("b", "B1"));
        router.route(Replies.completed("a", "A2", FinishReason.STOP, new Usage(1, 2)));

        assertThat(a.map(ReplyRouterTest::text).collectList().block(Duration.ofSeconds(1))).containsExactly("A1", "A2");
        assertThat(router.pendingCount()).as("a is done, b still waits").isEqualTo(1);
        assertThat(b.map(ReplyRouterTest::text).take(1).collectList().block(Duration.ofSeconds(1))).containsExactly("B1");
    }

    @Test
    void shouldDropDeltasSentAgainAfterARedelivery() {
        Flux<GenerationEvent> a = router.register("a");
        router.route(delta("a", "A", 0, 2));
        router.route(delta("a", "B", 2, 1));
        router.route(delta("a", "A", 0, 2));   // the tokenizer failed before committing and decoded both again
        router.route(delta("a", "B", 2, 1));
        router.route(delta("a", "C", 5, 1));   // a gap is fine: a held-back event publishes no delta
        router.route(Replies.delta("a", "D"));  // no offset: never dropped
        router.route(Replies.completed("a", "", FinishReason.STOP, new Usage(1, 6)));

        assertThat(a.map(ReplyRouterTest::text).collectList().block(Duration.ofSeconds(1)))
                .containsExactly("A", "B", "C", "D", "");
    }

    @Test
    void shouldPassOnlyTheNewTextOfARerunWhoseEventsAreGroupedDifferently() {
        Flux<GenerationEvent> a = router.register("a");
        router.route(delta("a", "ab", 0, 2));
        router.route(delta("a", "c", 2, 1));
        router.route(delta("a", "de", 3, 2));
        // The replica died; another runs the request again from its start and groups the tokens its own way.
        router.route(delta("a", "abc", 0, 3));
        router.route(delta("a", "def", 3, 3));   // tokens 3 and 4 the client has: only "f" is new
        router.route(new GenerationEvent.Completed(GenerationEvent.CURRENT_VERSION, "a", "gh",
                List.of(7, 7), null, FinishReason.LENGTH, new Usage(1, 7), null, null, null));   // tokens 5-6: token 5 passed

        assertThat(a.map(ReplyRouterTest::text).collectList().block(Duration.ofSeconds(1)))
                .containsExactly("ab", "c", "de", "f", "h");
    }

    @Test
    void shouldCutARerunDeltaThatStartsInsideADeltaTheClientHadByTheRunItContinues() {
        Flux<GenerationEvent> a = router.register("a");
        router.route(delta("a", "ab", 0, 2));
        router.route(delta("a", "cde", 2, 3));   // three tokens in one event: offsets 3 and 4 were never boundaries
        router.route(delta("a", "a", 0, 1));     // the re-run, grouped one token at a time
        router.route(delta("a", "bc", 1, 2));
        router.route(delta("a", "d", 3, 1));     // starts where the re-run's last Delta ended: 3 characters before it
        router.route(delta("a", "ef", 4, 2));    // 4 characters before it, 5 passed on: only "f" is new

        assertThat(a.map(ReplyRouterTest::text).take(3).collectList().block(Duration.ofSeconds(1)))
                .containsExactly("ab", "cde", "f");
    }

    @Test
    void shouldEndTheStreamWithAnErrorWhenARerunsTextDoesNotFitWhatTheClientHas() {
        Flux<GenerationEvent> a = router.register("a");
        router.route(delta("a", "ab", 0, 2));
        router.route(delta("a", "cd", 2, 2));
        router.route(delta("a", "xy", 1, 4));   // a re-run's first Delta: 4 characters passed, only 2 here

        List<GenerationEvent> events = a.collectList().block(Duration.ofSeconds(1));
        assertThat(events).hasSize(3);
        assertThat(events.get(2)).isInstanceOfSatisfying(GenerationEvent.Failed.class, failed -> {
            assertThat(failed.error().status()).isEqualTo(503);
            assertThat(failed.error().code()).isEqualTo("resume_failed");
        });
        assertThat(router.pendingCount()).isZero();
    }

    private static GenerationEvent delta(String id, String text, int offset, int tokens) {
        return new GenerationEvent.Delta(GenerationEvent.CURRENT_VERSION, id, text,
                java.util.Collections.nCopies(tokens, 7), null, null, offset);
    }

    @Test
    void shouldDropEventsOfUnknownOrRemovedRequests() {
        Flux<GenerationEvent> a = router.register("a");
        router.route(Replies.delta("stranger", "x"));
        router.remove("a");
        router.route(Replies.delta("a", "late"));

        assertThat(router.pendingCount()).isZero();
        List<GenerationEvent> received = new ArrayList<>();
        a.take(Duration.ofMillis(100)).doOnNext(received::add).blockLast(Duration.ofSeconds(1));
        assertThat(received).isEmpty();
    }

    @Test
    void shouldRefuseASecondWaiterForTheSameRequestAndFailAllOnShutdown() {
        Flux<GenerationEvent> a = router.register("a");
        assertThatThrownBy(() -> router.register("a")).isInstanceOf(IllegalStateException.class);

        router.failAll(new IllegalStateException("shutting down"));

        assertThatThrownBy(() -> a.blockLast(Duration.ofSeconds(1))).hasMessage("shutting down");
        assertThat(router.pendingCount()).isZero();
    }

    private static String text(GenerationEvent event) {
        return switch (event) {
            case GenerationEvent.Delta d -> d.text();
            case GenerationEvent.Completed c -> c.text();
            case GenerationEvent.Failed f -> f.error().message();
            case GenerationEvent.Tokenized t -> String.join("", t.tokens());
            case GenerationEvent.Detokenized d -> d.text();
            case GenerationEvent.Analysis a -> a.getClass().getSimpleName();
        };
    }
}
