package dev.llmplatform.launcher.processes;

import dev.llmplatform.launcher.PlatformLauncher;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's one command, stopped as Ctrl-C or Kubernetes stops it (SIGTERM): a stream still generating ends
 * with its last token and {@code [DONE]}, the process exits, and the in-process broker goes down only after
 * the services (no Kafka client is left trying to reach it: the launcher's shutdown hook alone closes the
 * services, in order, before the broker).
 */
class LauncherShutdownTest {

    /** The launcher's fixed ports (gateway, tokenizer, inference, training, Kafka, its controller). */
    private static final List<Integer> PORTS = List.of(8080, 8081, 8082, 8083, 9092, 9093);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldFinishTheStreamAndCloseTheBrokerLastOnSigterm() throws Exception {
        Assumptions.assumeTrue(PORTS.stream().allMatch(LauncherShutdownTest::free),
                "the launcher's ports " + PORTS + " are in use (a platform running beside the tests?)");
        Path dataDir = Files.createTempDirectory("llm-platform-shutdown-");
        Path seedModels = Files.isDirectory(Path.of("../models")) ? Path.of("../models") : Path.of("models");
        ChildJvm platform = ChildJvm.start("platform", PlatformLauncher.class.getName(),
                List.of("-Xmx2g", "-Dai.djl.offline=true"), List.of(),
                Map.of("LLM_DATA_DIR", dataDir.toString(), "LLM_SEED_MODELS", seedModels.toAbsolutePath().toString(),
                        "OMP_WAIT_POLICY", "PASSIVE"),
                dataDir.resolve("platform.log"));
        try {
            platform.awaitReady(() -> platform.logContains("llm-platform ready"), Duration.ofMinutes(3));
            post("{\"model\":\"starter\",\"prompt\":\"Hi\",\"max_tokens\":2}");   // loads the model

            List<String> lines = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> stream(lines));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lines.stream().noneMatch(line -> line.startsWith("data: {")) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            platform.terminate();

            stream.get(60, TimeUnit.SECONDS);
            assertThat(lines.getLast()).isEqualTo("data: [DONE]");
            assertThat(lines).anyMatch(line -> line.contains("\"finish_reason\":\"length\""));
            long exitBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (platform.isAlive() && System.nanoTime() < exitBy) {
                Thread.sleep(50);
            }
            assertThat(platform.isAlive()).as("the platform exited").isFalse();
            String log = Files.readString(platform.log(), StandardCharsets.UTF_8);
            String stopping = log.substring(Math.max(0, log.indexOf("llm-platform stopping")));
            assertThat(stopping).as("what the platform logged while stopping").contains("llm-platform stopping")
                    .doesNotContain("could not be established").doesNotContain("Bootstrap broker");
        } finally {
            platform.kill();
        }
    }

    /** A streamed completion that runs to max_tokens; its non-blank lines go to {@code lines}. */
    private void stream(List<String> lines) {
        try {
            HttpResponse<java.util.stream.Stream<String>> response = http.send(request("""
                    {"model":"starter","prompt":"Once upon a time","max_tokens":200,"temperature":0.8,"seed":7,
                     "ignore_eos":true,"stream":true}"""), HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            response.body().filter(line -> !line.isBlank()).forEach(lines::add);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void post(String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(json), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static HttpRequest request(String json) {
        return HttpRequest.newBuilder(URI.create("http://localhost:8080/v1/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
