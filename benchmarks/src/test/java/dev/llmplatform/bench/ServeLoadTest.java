package dev.llmplatform.bench;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The open-loop driver and the HTTP reader, against made-up targets and a tiny local SSE server. */
class ServeLoadTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static List<ServeLoad.Request> requests(int n) {
        return Collections.nCopies(n, new ServeLoad.Request("hi", new int[]{1}, 1, 3));
    }

    @Test
    void shouldLetRequestsGoAtTheirArrivalTimesAndNoMoreThanTheCapAtOnce() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ServeLoad.Target target = (request, trace) -> {
            trace.start();
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Thread.sleep(30);
            trace.chunk(1);
            inFlight.decrementAndGet();
        };
        double[] arrivals = {0.0, 0.0, 0.0, 0.0, 0.05, 0.06};

        ServeLoad.Run run = ServeLoad.run(target, requests(6), arrivals, 2);

        assertThat(most.get()).isEqualTo(2);
        assertThat(run.outputs()).allMatch(ServeOutput::success);
        for (int i = 0; i < arrivals.length; i++) {
            assertThat(run.outputs().get(i).startTime()).isGreaterThanOrEqualTo(arrivals[i]);
        }
        // the third and fourth waited for the cap
        assertThat(run.outputs().get(3).clientQueueTime()).isGreaterThan(0.02);
        assertThat(run.duration()).isGreaterThanOrEqualTo(run.outputs().get(5).startTime() + run.outputs().get(5).latency());
    }

    @Test
    void shouldRecordATargetsExceptionAsAFailure() throws Exception {
        ServeLoad.Run run = ServeLoad.run((request, trace) -> {
            throw new IllegalStateException("refused");
        }, requests(2), new double[2], 0);

        assertThat(run.outputs()).noneMatch(ServeOutput::success);
        assertThat(run.outputs().getFirst().error()).contains("refused");
    }

    @Test
    void shouldFailARequestThatDoesNotEndInTime() throws Exception {
        ServeLoad.Target stuck = (request, trace) -> {
            trace.start();
            trace.chunk(1);
            Thread.sleep(60_000);
        };

        ServeLoad.Run run = ServeLoad.run(stuck, requests(2), new double[2], 1, 100_000_000L);

        assertThat(run.outputs()).noneMatch(ServeOutput::success);
        assertThat(run.outputs().getFirst().error()).contains("no end within 0 s").contains("1 chunks");
        assertThat(run.duration()).isLessThan(10.0);
    }

    @Test
    void shouldGiveUpOnAStreamThatStalls() throws Exception {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("data: {\"id\":\"cmpl-7\",\"choices\":[{\"text\":\"a\"}]}\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();

        ServeOutput o = ServeLoad.run(new ServeHttpTarget(url(), "m", ServeHttpTarget.FixedLength.NONE, null),
                requests(1), new double[1], 0, 300_000_000L).outputs().getFirst();
        never.countDown();

        assertThat(o.success()).isFalse();
        assertThat(o.error()).contains("no end within").contains("1 chunks").contains("response id cmpl-7");
    }

    /** Chunks as this gateway and vLLM send them: text chunks, a usage-only chunk (empty choices), [DONE]. */
    @Test
    void shouldReadAStreamAsVllmsCompletionsClientDoes() throws Exception {
        String body = """
                data: {"choices":[{"index":0,"text":"a"}]}

                : ping

                data: {"choices":[{"index":0,"text":""}]}

                data: {"choices":[{"index":0,"text":"b","finish_reason":"length"}]}

                data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}

                data: [DONE]

                """;
        StringBuilder sent = serve(200, body);

        ServeLoad.Run run = ServeLoad.run(new ServeHttpTarget(url(), "m", ServeHttpTarget.FixedLength.IGNORE_EOS, 0.0),
                requests(1), new double[1], 0);

        ServeOutput o = run.outputs().getFirst();
        assertThat(o.success()).isTrue();
        assertThat(o.outputTokens()).isEqualTo(3);
        assertThat(o.promptLen()).isEqualTo(5);
        assertThat(o.itl()).hasSize(2);  // three chunks with choices, the empty text one included
        assertThat(o.latency()).isGreaterThanOrEqualTo(o.ttft());
        assertThat(sent.toString()).contains("\"ignore_eos\":true").contains("\"max_tokens\":3").contains("\"stream\":true")
                .contains("\"include_usage\":true").contains("\"temperature\":0.0");
    }

    @Test
    void shouldFailOnAnErrorStatusOrAnErrorInTheStream() throws Exception {
        serve(429, "{\"error\":{\"message\":\"slow down\"}}");
        ServeOutput refused = ServeLoad.run(new ServeHttpTarget(url(), "m", ServeHttpTarget.FixedLength.MIN_TOKENS, null),
                requests(1), new double[1], 0).outputs().getFirst();
        server.stop(0);
        serve(200, "data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: {\"error\":{\"message\":\"engine died\"}}\n\n");
        ServeOutput broken = ServeLoad.run(new ServeHttpTarget(url(), "m", ServeHttpTarget.FixedLength.NONE, null),
                requests(1), new double[1], 0).outputs().getFirst();

        assertThat(refused.success()).isFalse();
        assertThat(refused.error()).contains("HTTP 429").contains("slow down");
        assertThat(broken.success()).isFalse();
        assertThat(broken.error()).contains("engine died");
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves one canned answer on /v1/completions; returns (once called) the last request body. */
    private StringBuilder serve(int status, String body) throws Exception {
        StringBuilder sent = new StringBuilder();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/completions", exchange -> {
            sent.setLength(0);
            sent.append(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return sent;
    }
}
