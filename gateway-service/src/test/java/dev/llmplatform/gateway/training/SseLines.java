package dev.llmplatform.gateway.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads a server-sent event stream on its own thread, so a test can wait for each line with a timeout. */
final class SseLines implements AutoCloseable {

    /** Queued once the server has closed the stream. */
    static final String END = "<end of stream>";

    private final BlockingQueue<String> data = new LinkedBlockingQueue<>();
    private final HttpResponse<Stream<String>> response;
    private final Thread reader;

    SseLines(HttpClient http, URI uri) {
        try {
            response = http.send(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        reader = Thread.ofPlatform().daemon().name("sse-reader").start(() -> {
            try (Stream<String> lines = response.body()) {
                lines.filter(line -> line.startsWith("data:")).forEach(data::add);
            } catch (UncheckedIOException e) {
                // closed by the test
            }
            data.add(END);
        });
    }

    HttpResponse<Stream<String>> response() {
        return response;
    }

    /** The next {@code data:} line (or {@link #END}); fails after 20 s without one. */
    String next() throws InterruptedException {
        String line = data.poll(20, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("no server-sent event within 20 s");
        }
        return line;
    }

    @Override
    public void close() {
        // Cancels the exchange if the test stops reading early; a no-op once the server has ended it.
        response.body().close();
    }
}
