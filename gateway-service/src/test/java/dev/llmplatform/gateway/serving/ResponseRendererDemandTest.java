package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.gateway.support.Replies;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream's chunks keep flowing whatever the demand: events emitted on one thread into a reply sink (as the
 * reply router does), merged over choices (as generation serving does), many with no output (held-back text),
 * read by a subscriber on another thread that asks for a few at a time, as an HTTP connection's writer does.
 * Every one of many such streams must end with {@code [DONE]}; a lost request signal leaves one waiting for ever.
 */
class ResponseRendererDemandTest {

    private static final int STREAMS = 1_000;
    private static final int TOKENS = 40;

    private final ResponseRenderer renderer = new ResponseRenderer(JsonMapper.builder().build());

    @Test
    void everyStreamEndsWithDoneUnderSmallRandomDemandFromAnotherThread() throws InterruptedException {
        Scheduler producer = Schedulers.newSingle("replies");
        Scheduler reader = Schedulers.newSingle("http-writer");
        try {
            List<Integer> stalled = new ArrayList<>();
            for (int s = 0; s < STREAMS; s++) {
                if (!runOne(s, producer, reader)) {
                    stalled.add(s);
                }
            }
            assertThat(stalled).as("streams that never ended").isEmpty();
        } finally {
            producer.dispose();
            reader.dispose();
        }
    }

    private boolean runOne(int seed, Scheduler producer, Scheduler reader) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        Sinks.Many<GenerationEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
        String id = "r" + seed;
        Flux<IndexedEvent> events = Flux.merge(List.of(sink.asFlux().map(e -> new IndexedEvent(0, e))));
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger chunks = new AtomicInteger();
        renderer.stream(events, new ResponseId("cmpl-" + seed, 0, "m"), 1, 1, random.nextBoolean(), new PlainFormat())
                .subscribe(new BaseSubscriber<ServerSentEvent<String>>() {
                    @Override
                    protected void hookOnSubscribe(Subscription subscription) {
                        request(1 + random.nextInt(3));
                    }

                    @Override
                    protected void hookOnNext(ServerSentEvent<String> value) {
                        chunks.incrementAndGet();
                        int ask = 1 + random.nextInt(3);
                        reader.schedule(() -> request(ask));   // as a writer asks again once the channel took the write
                    }

                    @Override
                    protected void hookFinally(reactor.core.publisher.SignalType type) {
                        done.countDown();
                    }
                });
        producer.schedule(() -> {
            for (int i = 0; i < TOKENS; i++) {
                // One token in three has its text held back (empty), as the detokenizer does mid-character.
                sink.tryEmitNext(Replies.delta(id, i % 3 == 1 ? "" : "t" + i, i));
            }
            sink.tryEmitNext(Replies.completed(id, ".", FinishReason.LENGTH, new Usage(1, TOKENS + 1)));
            sink.tryEmitComplete();
        });
        return done.await(10, TimeUnit.SECONDS);
    }

    /** The least a format needs: each piece's text as a map. */
    private static final class PlainFormat implements ResponseFormat {
        @Override
        public List<Object> opening(ResponseId id, int index) {
            return List.of();
        }

        @Override
        public Object chunk(ResponseId id, ResponseFormat.Piece piece) {
            return Map.of("text", piece.text());
        }

        @Override
        public Object usageChunk(ResponseId id, UsageBody usage) {
            return Map.of("usage", usage.completionTokens());
        }

        @Override
        public Object response(ResponseId id, List<ResponseFormat.ChoiceResult> choices, UsageBody usage) {
            return Map.of();
        }
    }
}
