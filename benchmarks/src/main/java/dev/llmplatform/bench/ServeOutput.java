package dev.llmplatform.bench;

/**
 * What one request of a serving run gave, as vLLM's {@code RequestFuncOutput}: times in seconds, from the
 * client's side. {@code ttft} is the first streamed chunk with choices after the request was sent,
 * {@code itl} the gaps between consecutive such chunks, {@code latency} (E2EL) the time of the last one
 * (the trailing usage chunk and {@code [DONE]} do not count). {@code outputTokens} is the server's
 * {@code usage.completion_tokens}.
 *
 * @param startTime       when the request was sent, seconds after the run began
 * @param clientQueueTime seconds the request waited for the client's concurrency cap after it arrived
 */
record ServeOutput(boolean success, int promptLen, int outputTokens, double startTime, double ttft, double[] itl,
                   double latency, double clientQueueTime, String error) {

    static ServeOutput failed(int promptLen, double startTime, double clientQueueTime, String error) {
        return new ServeOutput(false, promptLen, 0, startTime, 0, new double[0], 0, clientQueueTime, error);
    }
}
