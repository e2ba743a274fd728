package dev.llmplatform.launcher;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * One command, the whole platform: {@code java -jar launcher/target/llm-platform.jar}.
 *
 * <p>Environment: {@code LLM_DATA_DIR} (default {@code ./data}), {@code KAFKA_BOOTSTRAP_SERVERS}
 * (an existing cluster; when unset an in-process KRaft broker starts on 127.0.0.1:9092).
 */
public final class PlatformLauncher {

    private PlatformLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(env("LLM_DATA_DIR", "./data")).toAbsolutePath().normalize();
        PlatformSettings defaults = PlatformSettings.defaults(dataDir);
        PlatformSettings settings = new PlatformSettings(dataDir,
                Path.of(env("LLM_SEED_MODELS", "./models")), System.getenv("KAFKA_BOOTSTRAP_SERVERS"),
                defaults.kafkaPort(), defaults.controllerPort(),
                Integer.parseInt(env("GATEWAY_PORT", "8080")), defaults.tokenizerPort(),
                defaults.inferencePort(), defaults.trainingPort(), defaults.serviceArguments());
        Platform platform = Platform.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            platform.close();
            stopped.countDown();
        }, "platform-shutdown"));
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
