package dev.llmplatform.launcher;

import dev.llmplatform.launcher.kafka.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Starts the real platform (broker unless a cluster is given, four services) for end-to-end tests. */
final class PlatformUnderTest implements AutoCloseable {

    final Platform platform;
    final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PlatformUnderTest(Platform platform, Path dataDir) {
        this.platform = platform;
        this.dataDir = dataDir;
    }

    static PlatformUnderTest start(String bootstrapServers, Map<String, String> extra) {
        try {
            return start(Files.createTempDirectory("llm-platform-e2e-"), bootstrapServers, extra);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts on a data folder the test may have prepared (e.g. extra models in {@code models/}). */
    static PlatformUnderTest start(Path dataDir, String bootstrapServers, Map<String, String> extra) {
        PlatformSettings settings = new PlatformSettings(dataDir, Path.of("../models"), bootstrapServers,
                FreePorts.next(), FreePorts.next(), 0, 0, 0, 0, extra);
        return new PlatformUnderTest(Platform.start(settings), dataDir);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + platform.gatewayPort();
    }

    HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    /** Posts and returns the body's lines as they arrived (for server-sent events). */
    HttpResponse<java.util.stream.Stream<String>> postStreaming(String path, String json) {
        return postStreaming(path, json, Map.of());
    }

    HttpResponse<java.util.stream.Stream<String>> postStreaming(String path, String json, Map<String, String> headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            headers.forEach(request::header);
            return http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> dataLines(java.util.stream.Stream<String> lines) {
        return lines.filter(l -> !l.isBlank()).toList();
    }

    @Override
    public void close() {
        platform.close();
    }
}
