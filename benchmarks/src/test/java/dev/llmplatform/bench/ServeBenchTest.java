package dev.llmplatform.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.llmplatform.contracts.Messages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code --base-url} mode end to end against a made-up OpenAI-compatible server that lists one model,
 * has no {@code /v1/tokenize} (so prompts are words) and streams one chunk per token of {@code max_tokens}.
 */
class ServeBenchTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void shouldDriveAnyOpenAiCompatibleServerAndWriteVllmsResultKeys(@TempDir Path dir) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/models", e -> answer(e, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"made-up\"}]}"));
        server.createContext("/v1/tokenize", e -> answer(e, 404, "{\"error\":{\"message\":\"no\"}}"));
        server.createContext("/v1/completions", e -> {
            JsonNode request = Messages.mapper().readTree(e.getRequestBody().readAllBytes());
            int tokens = request.get("max_tokens").asInt();
            StringBuilder sse = new StringBuilder();
            for (int i = 0; i < tokens; i++) {
                sse.append("data: {\"choices\":[{\"index\":0,\"text\":\" w\"}]}\n\n");
            }
            sse.append("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":").append(tokens)
                    .append(",\"total_tokens\":").append(7 + tokens).append("}}\n\ndata: [DONE]\n\n");
            answer(e, request.path("ignore_eos").asBoolean() && request.get("model").asString().equals("made-up") ? 200 : 400,
                    sse.toString());
        });
        server.start();
        Path result = dir.resolve("serve.json");

        ServeBench.main(new String[]{"--base-url=http://127.0.0.1:" + server.getAddress().getPort(), "--num-prompts=6",
                "--input-len=3", "--output-len=5", "--max-concurrency=2", "--request-rate=200", "--goodput=e2el:10000",
                "--warmups=1", "--result-file=" + result});

        JsonNode json = Messages.mapper().readTree(Files.readString(result));
        assertThat(json.get("model_id").asString()).isEqualTo("made-up");
        JsonNode run = json.get("runs").get(0);
        assertThat(run.get("max_concurrency").asInt()).isEqualTo(2);
        JsonNode side = run.get("server");
        assertThat(side.get("completed").asInt()).isEqualTo(6);
        assertThat(side.get("failed").asInt()).isZero();
        assertThat(side.get("total_output_tokens").asInt()).isEqualTo(30);
        assertThat(side.get("total_input_tokens").asInt()).isEqualTo(42);  // the server's usage, not the 3 words
        assertThat(side.get("request_goodput").asDouble()).isEqualTo(side.get("request_throughput").asDouble());
        assertThat(side.get("itls").get(0).size()).isEqualTo(4);
        assertThat(side.get("tokens_per_chunk").asDouble()).isEqualTo(1.0);
    }

    private static void answer(HttpExchange e, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().add("Content-Type", status == 200 && body.startsWith("data:") ? "text/event-stream" : "application/json");
        e.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(bytes);
        }
    }
}
