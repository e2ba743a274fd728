package dev.llmplatform.kafka;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A request's W3C trace context ({@code traceparent}, {@code tracestate}) as Kafka record headers,
 * kept where a record is sent from a thread that has no observation in scope (the inference
 * engine's), so spring-kafka's template observation cannot add it there.
 *
 * @param traceparent {@code 00-<trace id>-<parent span id>-<flags>}, or null when there is none
 * @param tracestate  vendor state that travels with it, or null
 */
public record TraceHeaders(String traceparent, String tracestate) {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final TraceHeaders NONE = new TraceHeaders(null, null);

    /** MDC keys of Micrometer Tracing's log correlation, so the same log pattern prints them. */
    static final String MDC_TRACE_ID = "traceId";
    static final String MDC_SPAN_ID = "spanId";

    private static final Pattern W3C = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    /** The trace context a record carries; {@link #NONE} when it carries no readable {@code traceparent}. */
    public static TraceHeaders of(Headers headers) {
        String traceparent = last(headers, TRACEPARENT);
        return traceparent == null || !W3C.matcher(traceparent).matches()
                ? NONE : new TraceHeaders(traceparent, last(headers, TRACESTATE));
    }

    /** Puts this context on a record, replacing any it had (one context per record). */
    public void addTo(Headers headers) {
        if (traceparent == null) {
            return;
        }
        headers.remove(TRACEPARENT).add(TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        headers.remove(TRACESTATE);
        if (tracestate != null) {
            headers.add(TRACESTATE, tracestate.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The 32 hex digits of the trace id, or null. */
    public String traceId() {
        return traceparent == null ? null : traceparent.substring(3, 35);
    }

    /** The 16 hex digits of the span the context names as parent, or null. */
    public String spanId() {
        return traceparent == null ? null : traceparent.substring(36, 52);
    }

    /**
     * Puts the trace and span id into the logging MDC until closed, for log lines written on a thread
     * no tracer scope covers; the previous values come back on close.
     */
    public MdcScope inMdc() {
        if (traceparent == null) {
            return () -> { };
        }
        String previousTrace = MDC.get(MDC_TRACE_ID);
        String previousSpan = MDC.get(MDC_SPAN_ID);
        MDC.put(MDC_TRACE_ID, traceId());
        MDC.put(MDC_SPAN_ID, spanId());
        return () -> {
            restore(MDC_TRACE_ID, previousTrace);
            restore(MDC_SPAN_ID, previousSpan);
        };
    }

    /** An MDC change undone by {@link #close()}; no checked exception, for try-with-resources. */
    @FunctionalInterface
    public interface MdcScope extends AutoCloseable {
        @Override
        void close();
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    private static String last(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
