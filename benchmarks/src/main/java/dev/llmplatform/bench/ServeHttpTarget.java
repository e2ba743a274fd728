package dev.llmplatform.bench;

import dev.llmplatform.contracts.Messages;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A streamed {@code /v1/completions} call against any OpenAI-compatible server, read as vLLM's
 * {@code async_request_openai_completions} reads it: every {@code data:} message with a non-empty
 * {@code choices} list is a chunk (even with empty text), stamped as it is read; a message with only
 * {@code usage} gives the token counts; anything but HTTP 200 is a failure. One thing more than vLLM:
 * a message carrying {@code error} (a stream that failed after its 200) fails the request.
 */
final class ServeHttpTarget implements ServeLoad.Target {

    /** How to make the server produce exactly {@code max_tokens}: vLLM's way, the older way, or not at all. */
    enum FixedLength { IGNORE_EOS, MIN_TOKENS, NONE }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI url;
    private final String model;
    private final FixedLength fixedLength;
    private final Double temperature;

    /** @param temperature null to leave it to the server (as vLLM's benchmark does) */
    ServeHttpTarget(String baseUrl, String model, FixedLength fixedLength, Double temperature) {
        this.url = URI.create(baseUrl + "/v1/completions");
        this.model = model;
        this.fixedLength = fixedLength;
        this.temperature = temperature;
    }

    @Override
    public void send(ServeLoad.Request request, ServeTrace trace) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(request))).build();
        trace.start();
        HttpResponse<Stream<String>> response = client.send(post, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                trace.fail("HTTP " + response.statusCode() + ": " + String.join("\n", lines.toList()));
                return;
            }
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                long now = System.nanoTime();
                if (!line.startsWith("data:")) {
                    continue;  // blank separators, SSE comments (pings), event names
                }
                String data = line.substring(5).trim();
                if (data.equals("[DONE]")) {
                    continue;
                }
                JsonNode message = Messages.mapper().readTree(data);
                JsonNode choices = message.path("choices");
                if (choices.isArray() && !choices.isEmpty()) {
                    trace.chunk(now, 1);
                    trace.responseId(message.path("id").asString(null));
                } else if (message.hasNonNull("usage")) {
                    JsonNode usage = message.get("usage");
                    trace.usage(usage.path("completion_tokens").asInt(-1), usage.path("prompt_tokens").asInt(-1));
                }
                if (message.hasNonNull("error")) {
                    trace.fail("stream error: " + message.get("error"));
                }
            }
        }
    }

    private String body(ServeLoad.Request request) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("model", model);
        b.put("prompt", request.text());
        b.put("max_tokens", request.outputLen());
        b.put("stream", true);
        b.put("stream_options", Map.of("include_usage", true));
        if (temperature != null) {
            b.put("temperature", temperature);
        }
        switch (fixedLength) {
            case IGNORE_EOS -> b.put("ignore_eos", true);
            case MIN_TOKENS -> b.put("min_tokens", request.outputLen());
            case NONE -> { }
        }
        return Messages.mapper().writeValueAsString(b);
    }

    /** vLLM's fallback when no model is named: the first model the server lists. */
    static String firstModel(String baseUrl) throws Exception {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/models")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /v1/models answered " + r.statusCode() + ": " + r.body());
        }
        JsonNode data = Messages.mapper().readTree(r.body()).path("data");
        if (data.isEmpty()) {
            throw new IllegalStateException("the server at " + baseUrl + " lists no model");
        }
        return data.get(0).path("id").asString();
    }
}
