package dev.llmplatform.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/** Public door to {@link PlatformUnderTest} for end-to-end tests in other packages. */
public final class PlatformTestAccess implements AutoCloseable {

    private final PlatformUnderTest platform;

    private PlatformTestAccess(PlatformUnderTest platform) {
        this.platform = platform;
    }

    public static PlatformTestAccess start(Map<String, String> serviceArguments) {
        return new PlatformTestAccess(PlatformUnderTest.start(null, serviceArguments));
    }

    public Platform platform() {
        return platform.platform;
    }

    /** The model store of the running platform, where a test may drop model folders. */
    public java.nio.file.Path modelStore() {
        return platform.dataDir.resolve("models");
    }

    public String baseUrl() {
        return platform.baseUrl();
    }

    public HttpResponse<String> post(String path, String json) {
        return platform.post(path, json);
    }

    public HttpResponse<String> get(String path) {
        return platform.get(path);
    }

    public HttpResponse<Stream<String>> getStreaming(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(180)).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        platform.close();
    }
}
