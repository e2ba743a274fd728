package dev.llmplatform.bench;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.Messages;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Streamed {@code /v1/completions} calls against a running gateway with the JDK {@link HttpClient}:
 * N at once, greedy, EOS banned through {@code logit_bias} so every stream runs to {@code max_tokens}
 * (as EngineBench's requests have no stop token). Every SSE chunk with text is stamped on arrival and
 * fed to the same {@link StreamRecorder} EngineBench uses, so both report the very same statistics.
 */
final class SseLoad {

    /** One run: the recorder's summary (counted in SSE text chunks) and what {@code usage} said. */
    record Result(StreamRecorder.Summary summary, long completionTokens, long promptTokens, long events) {
        /** Tokens per second by the usage counts (chunks may, in principle, carry several tokens). */
        double aggregateTps() {
            return completionTokens / (summary.wallMs() / 1e3);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String model;

    SseLoad(String baseUrl, String model) {
        this.baseUrl = baseUrl;
        this.model = model;
    }

    /** Sends every prompt at once and waits for all streams to end. */
    Result run(List<String> prompts, int maxTokens, int eosTokenId, String idPrefix) throws InterruptedException {
        int n = prompts.size();
        StreamRecorder recorder = new StreamRecorder(n);
        AtomicLong completion = new AtomicLong();
        AtomicLong prompt = new AtomicLong();
        AtomicLong events = new AtomicLong();
        CountDownLatch gate = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = idPrefix + "-" + i;
            String body = body(prompts.get(i), maxTokens, eosTokenId);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    gate.await();
                    recorder.submitted(id, maxTokens);
                    stream(id, body, recorder, completion, prompt, events);
                } catch (Exception e) {
                    recorder.onFinished(id, FinishReason.ERROR, null, null, ErrorInfo.internal(String.valueOf(e)));
                }
            }));
        }
        gate.countDown();
        recorder.await(1800);
        for (Thread t : threads) {
            t.join();
        }
        return new Result(recorder.summary(), completion.get(), prompt.get(), events.get());
    }

    private void stream(String id, String body, StreamRecorder recorder, AtomicLong completion, AtomicLong prompt,
                        AtomicLong events) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = client.send(post("/v1/completions", body), HttpResponse.BodyHandlers.ofLines());
        String error = null;
        int offset = 0;
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (response.statusCode() != 200) {
                    error = "HTTP " + response.statusCode() + ": " + line;
                    continue;
                }
                if (!line.startsWith("data:") || line.contains("[DONE]")) {
                    continue;
                }
                JsonNode chunk = Messages.mapper().readTree(line.substring(5).trim());
                JsonNode text = chunk.path("choices").path(0).path("text");
                if (!text.isMissingNode() && !text.asString().isEmpty()) {
                    recorder.onTokens(id, offset++, new int[1], null);
                    events.incrementAndGet();
                }
                if (chunk.hasNonNull("usage")) {
                    completion.addAndGet(chunk.get("usage").path("completion_tokens").asLong());
                    prompt.addAndGet(chunk.get("usage").path("prompt_tokens").asLong());
                }
                if (chunk.hasNonNull("error")) {
                    error = chunk.get("error").toString();
                }
            }
        }
        recorder.onFinished(id, error == null ? FinishReason.LENGTH : FinishReason.ERROR, null, null,
                error == null ? null : ErrorInfo.internal(error));
    }

    /** The ids the platform's tokenizer gives this text. */
    List<Integer> tokenize(String text) throws IOException, InterruptedException {
        JsonNode r = call("/v1/tokenize", Messages.mapper().writeValueAsString(Map.of("model", model, "prompt", text)));
        List<Integer> ids = new ArrayList<>();
        r.get("tokens").forEach(t -> ids.add(t.asInt()));
        return ids;
    }

    String detokenize(List<Integer> ids) throws IOException, InterruptedException {
        return call("/v1/detokenize", Messages.mapper().writeValueAsString(Map.of("model", model, "tokens", ids)))
                .get("prompt").asString();
    }

    private JsonNode call(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(post(path, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return Messages.mapper().readTree(r.body());
    }

    private HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private String body(String prompt, int maxTokens, int eosTokenId) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("model", model);
        b.put("prompt", prompt);
        b.put("max_tokens", maxTokens);
        b.put("temperature", 0);
        b.put("stream", true);
        b.put("stream_options", Map.of("include_usage", true));
        b.put("logit_bias", Map.of(String.valueOf(eosTokenId), -100));
        return Messages.mapper().writeValueAsString(b);
    }
}
