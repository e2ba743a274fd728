package dev.llmplatform.gateway.support;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.gateway.GatewayApplication;
import dev.llmplatform.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * The real gateway application on a random port against an embedded KRaft broker, with a
 * {@link TokenizerPeer} answering its requests. Subclasses share one application context.
 * The gateway owns reply partition {@value #REPLY_PARTITION} and times requests out after 5 s.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=" + GatewayApplication.CONFIG_NAME,
                "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "llm.gateway.reply-partition=" + KafkaGatewayTest.REPLY_PARTITION,
                "llm.gateway.request-timeout=5s",
                "logging.level.org.apache.kafka=WARN",
                "logging.level.kafka=WARN",
                "logging.level.state.change.logger=WARN"})
@EmbeddedKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class KafkaGatewayTest {

    public static final int REPLY_PARTITION = 3;

    /** Written once per test JVM, before the context that lists it starts. */
    private static final Path STORE = createStore();

    protected TokenizerPeer peer;
    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    @Value("${spring.embedded.kafka.brokers}")
    protected String bootstrapServers;

    @DynamicPropertySource
    static void modelStore(DynamicPropertyRegistry registry) {
        registry.add("llm.gateway.model-store", STORE::toString);
    }

    private static Path createStore() {
        try {
            Files.createDirectories(Path.of("target"));
            Path store = Files.createTempDirectory(Path.of("target"), "model-store-");
            TestModelStore.writeTinyLlama(store, "1");
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    void startPeer() {
        peer = new TokenizerPeer(bootstrapServers);
        // What the store watcher of the training-service would announce for the store's package.
        peer.sendRaw(Topics.MODELS.name(), 0, TestModelStore.MODEL, Messages.toJson(new ModelEvent(
                ModelEvent.CURRENT_VERSION, TestModelStore.MODEL, "1", "decoder", 123_456, TestModelStore.CONTEXT_LENGTH,
                3.25, "job-1", System.currentTimeMillis())));
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/v1/models/" + TestModelStore.MODEL).statusCode() == 200);
    }

    @AfterAll
    void stopPeer() throws InterruptedException {
        peer.close();
    }

    protected URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    protected HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    protected HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
