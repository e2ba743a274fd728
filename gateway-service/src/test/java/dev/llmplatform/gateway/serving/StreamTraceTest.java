package dev.llmplatform.gateway.serving;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.BaseSubscriber;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamTraceTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(StreamTrace.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level before;

    @BeforeEach
    void capture() {
        before = logger.getLevel();
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        logger.setLevel(before);
    }

    @Test
    void shouldBeAbsentWhenDebugIsOff() {
        logger.setLevel(Level.INFO);

        assertThat(StreamTrace.of("cmpl-1")).isNull();
    }

    @Test
    void shouldReportWhatTheWriterAskedAndWasGivenWhenTheEventsEndAndWhenTheBodyEnds() {
        logger.setLevel(Level.DEBUG);
        StreamTrace trace = StreamTrace.of("cmpl-2");
        assertThat(trace).isNotNull();

        // The events end (all three taken by the renderer's buffer) while the writer has asked for two chunks.
        Flux<String> body = trace.body(trace.events(Flux.just("a", "b", "c")).collectList().flatMapIterable(l -> l));
        List<String> written = new ArrayList<>();
        BaseSubscriber<String> writer = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                request(2);
            }

            @Override
            protected void hookOnNext(String chunk) {
                written.add(chunk);
            }
        };
        body.subscribe(writer);
        assertThat(written).containsExactly("a", "b");
        writer.request(5);
        assertThat(written).containsExactly("a", "b", "c");

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "cmpl-2: generation events ended (onComplete); SSE chunks asked 2, given 2",
                "cmpl-2: SSE body ended (onComplete); chunks asked 7, given 3");
    }

    @Test
    void shouldGiveTheBodyTheExchangesLogPrefixAndReportWhereTheExchangeEnded() {
        logger.setLevel(Level.DEBUG);
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/completions"));
        StreamTrace trace = StreamTrace.of("cmpl-3");

        new ExchangeTrace().filter(exchange, ignored -> trace.body(Flux.just("a")).then()).block();

        // doFinally runs after the signal has gone downstream: the exchange's line may come first.
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactlyInAnyOrder(
                exchange.getLogPrefix() + "cmpl-3: SSE body ended (onComplete); chunks asked " + Long.MAX_VALUE + ", given 1",
                exchange.getLogPrefix() + "exchange ended (onComplete); no Netty channel");
    }

    @Test
    void shouldLeaveExchangesAloneWhenDebugIsOff() {
        logger.setLevel(Level.INFO);
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/completions"));

        new ExchangeTrace().filter(exchange, ignored -> reactor.core.publisher.Mono.empty()).block();

        assertThat(lines.list).isEmpty();
    }
}
