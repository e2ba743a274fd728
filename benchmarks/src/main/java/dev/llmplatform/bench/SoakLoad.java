package dev.llmplatform.bench;

import dev.llmplatform.contracts.Messages;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's HTTP clients: each loops over a seeded mix of streamed and non-streamed completions and
 * chats (some with stop strings, some with {@code n} = 2), clients that hang up after the first chunk,
 * and bad requests that must get a 400. Outcomes are counted per kind; a kind's {@code unexpected}
 * count (a 5xx, a wrong status, a stream without {@code [DONE]}, a transport error) is what the soak
 * wants to stay at zero. 503s (the platform full) are counted apart: they are the platform's right.
 */
final class SoakLoad {

    static final List<String> KINDS = List.of("stream", "plain", "chat-stream", "chat", "stop", "n2", "cancel", "bad");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String model;
    private final int maxTokens;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final AtomicLong lastError = new AtomicLong();
    private volatile String lastErrorText = "";
    private volatile boolean running = true;

    SoakLoad(String baseUrl, String model, int maxTokens) {
        this.baseUrl = baseUrl;
        this.model = model;
        this.maxTokens = maxTokens;
    }

    /** Starts {@code clients} virtual threads that run until {@link #stop()}. */
    List<Thread> start(int clients, long seed) {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            SplittableRandom random = new SplittableRandom(seed + c);
            int id = c;
            threads.add(Thread.ofVirtual().name("soak-client-" + c).start(() -> {
                long i = 0;
                while (running) {
                    String kind = KINDS.get(random.nextInt(KINDS.size()));
                    try {
                        one(kind, "soak-" + id + "-" + i++, random);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        unexpected(kind, e.toString());
                    }
                }
            }));
        }
        return threads;
    }

    void stop() {
        running = false;
    }

    /** A copy of the counters ({@code kind.outcome} → count), sorted by name. */
    Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    String lastError() {
        return lastError.get() == 0 ? "" : lastErrorText;
    }

    private void one(String kind, String id, SplittableRandom random) throws Exception {
        String prompt = PROMPTS[random.nextInt(PROMPTS.length)];
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("max_tokens", 8 + random.nextInt(maxTokens - 7));
        body.put("temperature", 0.8);
        body.put("seed", random.nextInt(1000));
        boolean chat = kind.startsWith("chat");
        if (chat) {
            body.put("messages", List.of(Map.of("role", "user", "content", prompt)));
        } else {
            body.put("prompt", prompt);
        }
        switch (kind) {
            case "stop" -> body.put("stop", List.of(".", " the"));
            case "n2" -> body.put("n", 2);
            case "bad" -> body.put("max_tokens", -1 - random.nextInt(5));
            default -> { }
        }
        boolean stream = kind.equals("stream") || kind.equals("chat-stream") || kind.equals("cancel")
                || (kind.equals("stop") && random.nextBoolean());
        body.put("stream", stream);
        String path = chat ? "/v1/chat/completions" : "/v1/completions";
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(3))
                .header("Content-Type", "application/json").header("X-Request-Id", id)
                .POST(HttpRequest.BodyPublishers.ofString(Messages.mapper().writeValueAsString(body))).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (kind.equals("bad")) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                boolean shaped = status == 400 && Messages.mapper().readTree(text).path("error").has("message");
                count(kind, shaped ? "ok" : "unexpected", shaped ? null : status + " " + text);
                return;
            }
            if (status == 503 || status == 429) {
                in.readAllBytes();
                count(kind, "busy", null);
                return;
            }
            if (status != 200) {
                count(kind, "unexpected", status + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
                return;
            }
            if (!stream) {
                JsonNode r = Messages.mapper().readTree(in);
                boolean ok = r.path("choices").size() == (kind.equals("n2") ? 2 : 1);
                count(kind, ok ? "ok" : "unexpected", ok ? null : r.toString());
                return;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int chunks = 0;
            while ((line = reader.readLine()) != null) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                if (line.contains("[DONE]")) {
                    count(kind, "ok", null);
                    return;
                }
                if (line.contains("\"error\"")) {
                    count(kind, "unexpected", line);
                    return;
                }
                if (kind.equals("cancel") && ++chunks == 2) {
                    // Hang up mid-stream: closing the body closes the connection; the gateway must cancel.
                    count(kind, "ok", null);
                    return;
                }
            }
            count(kind, "unexpected", "stream ended without [DONE]");
        }
    }

    private void count(String kind, String outcome, String error) {
        counts.computeIfAbsent(kind + "." + outcome, k -> new LongAdder()).increment();
        if (error != null) {
            lastError.incrementAndGet();
            lastErrorText = kind + ": " + (error.length() > 300 ? error.substring(0, 300) : error);
        }
    }

    private void unexpected(String kind, String error) {
        count(kind, "unexpected", error);
    }

    private static final String[] PROMPTS = {"Once upon a time", "The little dog", "Tom and Anna went to the",
            "One day, a cat found a", "The sun was", "She looked at the big red", "Lily wanted to play with"};
}
