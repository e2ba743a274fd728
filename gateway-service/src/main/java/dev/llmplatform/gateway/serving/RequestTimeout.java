package dev.llmplatform.gateway.serving;

import dev.llmplatform.gateway.error.ApiException;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The per-request deadline a client may ask for with the {@value #HEADER} header: seconds, decimals
 * allowed ({@code 2.5}). It can only shorten the gateway's {@code llm.gateway.request-timeout}; a
 * longer value is cut to it, so no client holds a slot longer than the operator allows.
 */
public final class RequestTimeout {

    public static final String HEADER = "X-Request-Timeout";

    private RequestTimeout() {
    }

    /** @param header the header's value, or null when the client sent none */
    public static Duration resolve(String header, Duration max) {
        if (header == null || header.isBlank()) {
            return max;
        }
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(header.strip());
        } catch (NumberFormatException e) {
            throw invalid(header);
        }
        if (seconds.signum() <= 0) {
            throw invalid(header);
        }
        if (seconds.compareTo(BigDecimal.valueOf(max.toMillis(), 3)) >= 0) {
            return max;
        }
        long millis = seconds.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        return Duration.ofMillis(millis);
    }

    private static ApiException invalid(String header) {
        String shown = header.length() > 20 ? header.substring(0, 20) + "…" : header;
        return ApiException.invalid(null, "The " + HEADER + " header must be a positive number of seconds, got '"
                + shown + "'");
    }
}
