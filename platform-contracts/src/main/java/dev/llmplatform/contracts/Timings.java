package dev.llmplatform.contracts;

/**
 * Engine-side timings of one request in milliseconds: time spent queued before admission,
 * prefill until the first token, and total decode time.
 */
public record Timings(double queueMs, double timeToFirstTokenMs, double totalMs) {
}
