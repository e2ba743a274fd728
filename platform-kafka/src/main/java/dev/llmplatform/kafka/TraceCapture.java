package dev.llmplatform.kafka;

import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.common.header.Headers;

import java.util.HashMap;
import java.util.Map;

/**
 * Takes the trace context to carry past a thread change, at the moment a record is consumed: the
 * current span (the listener's observation, so what follows is its child), or, where tracing is
 * off, the consumed record's own headers, so the trace id still flows through this service.
 */
public final class TraceCapture {

    /** Copies the consumed record's headers only. */
    public static final TraceCapture HEADERS_ONLY = new TraceCapture(null, null);

    private final Tracer tracer;
    private final Propagator propagator;

    public TraceCapture(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    public TraceHeaders capture(Headers consumed) {
        if (tracer != null && propagator != null) {
            TraceContext current = tracer.currentTraceContext().context();
            if (current != null) {
                Map<String, String> injected = new HashMap<>();
                propagator.inject(current, injected, Map::put);
                // Only W3C is carried; a tracer set to produce another format falls back to the record's.
                if (injected.get(TraceHeaders.TRACEPARENT) != null) {
                    return new TraceHeaders(injected.get(TraceHeaders.TRACEPARENT), injected.get(TraceHeaders.TRACESTATE));
                }
            }
        }
        return TraceHeaders.of(consumed);
    }
}
