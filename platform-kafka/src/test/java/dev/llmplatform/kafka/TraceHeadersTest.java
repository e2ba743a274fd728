package dev.llmplatform.kafka;

import brave.Tracing;
import brave.propagation.ThreadLocalCurrentTraceContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TraceHeadersTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @Test
    void shouldReadTheLastTraceparentAndReplaceItWhenAdded() {
        RecordHeaders consumed = new RecordHeaders();
        consumed.add(TraceHeaders.TRACEPARENT, "00-11111111111111111111111111111111-2222222222222222-01".getBytes());
        consumed.add(TraceHeaders.TRACEPARENT, TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        TraceHeaders trace = TraceHeaders.of(consumed);
        assertThat(trace.traceId()).isEqualTo(TRACE_ID);
        assertThat(trace.spanId()).isEqualTo("00f067aa0ba902b7");

        RecordHeaders outgoing = new RecordHeaders();
        outgoing.add(TraceHeaders.TRACEPARENT, "stale".getBytes());
        trace.addTo(outgoing);
        assertThat(outgoing.headers(TraceHeaders.TRACEPARENT)).singleElement()
                .satisfies(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo(TRACEPARENT));
    }

    @Test
    void shouldIgnoreAMalformedTraceparent() {
        RecordHeaders consumed = new RecordHeaders();
        consumed.add(TraceHeaders.TRACEPARENT, "00-not-a-trace-01".getBytes());
        assertThat(TraceHeaders.of(consumed)).isEqualTo(TraceHeaders.NONE);
        RecordHeaders outgoing = new RecordHeaders();
        TraceHeaders.NONE.addTo(outgoing);
        assertThat(outgoing.toArray()).isEmpty();
    }

    @Test
    void shouldPutTheTraceIntoTheMdcAndRestoreWhatWasThere() {
        MDC.put("traceId", "outer");
        try (TraceHeaders.MdcScope ignored = new TraceHeaders(TRACEPARENT, null).inMdc()) {
            assertThat(MDC.get("traceId")).isEqualTo(TRACE_ID);
            assertThat(MDC.get("spanId")).isEqualTo("00f067aa0ba902b7");
        } finally {
            assertThat(MDC.get("traceId")).isEqualTo("outer");
            assertThat(MDC.get("spanId")).isNull();
            MDC.clear();
        }
    }

    @Test
    void shouldCaptureTheCurrentSpanAsAChildOfTheSameTrace() {
        try (Tracing tracing = Tracing.newBuilder().propagationFactory(new W3CPropagation())
                .currentTraceContext(ThreadLocalCurrentTraceContext.create()).build()) {
            Tracer tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()));
            BravePropagator propagator = new BravePropagator(tracing);
            TraceCapture capture = new TraceCapture(tracer, propagator);
            RecordHeaders consumed = new RecordHeaders();
            consumed.add(TraceHeaders.TRACEPARENT, TRACEPARENT.getBytes(StandardCharsets.UTF_8));
            assertThat(capture.capture(consumed).traceparent()).as("no span in scope").isEqualTo(TRACEPARENT);

            // What a listener observation does: a span continuing the consumed record's trace, in scope.
            Span listener = propagator.extract(consumed, (headers, key) -> headers.lastHeader(key) == null ? null
                    : new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8)).start();
            try (Tracer.SpanInScope ignored = tracer.withSpan(listener)) {
                TraceHeaders captured = capture.capture(new RecordHeaders());
                assertThat(captured.traceId()).isEqualTo(TRACE_ID);
                assertThat(captured.spanId()).isEqualTo(listener.context().spanId());
            } finally {
                listener.end();
            }
        }
    }

    @Test
    void shouldFallBackToTheConsumedHeadersWhenNoSpanIsCurrent() {
        RecordHeaders consumed = new RecordHeaders();
        consumed.add(TraceHeaders.TRACEPARENT, TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        assertThat(TraceCapture.HEADERS_ONLY.capture(consumed).traceparent()).isEqualTo(TRACEPARENT);
    }
}
