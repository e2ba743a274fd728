package dev.llmplatform.launcher.faults;

import dev.llmplatform.launcher.PlatformSettings;
import dev.llmplatform.launcher.processes.ProcessPlatform;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessPlatformSmokeTest {
    @Test
    void smoke() throws Exception {
        Path dir = Files.createTempDirectory("llm-processes-");
        long t0 = System.nanoTime();
        try (ProcessPlatform p = ProcessPlatform.start(new PlatformSettings(dir, Path.of("../models"), null, 0, 0, 0, 0, 0, 0,
                Map.of("llm.inference.drain-timeout", "2s")), Map.of("inference", 2, "tokenizer", 2, "gateway", 2, "training", 0),
                List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))) {
            System.out.println("STARTED in " + (System.nanoTime() - t0) / 1e9);
            HttpClient http = HttpClient.newHttpClient();
            for (var g : p.replicas("gateway")) {
                var r = http.send(HttpRequest.newBuilder(URI.create(g.url() + "/v1/completions")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"starter\",\"prompt\":\"Once\",\"max_tokens\":8,\"temperature\":0}"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                System.out.println(r.body());
                assertThat(r.statusCode()).isEqualTo(200);
            }
        }
        System.out.println("TOTAL " + (System.nanoTime() - t0) / 1e9);
    }
}
