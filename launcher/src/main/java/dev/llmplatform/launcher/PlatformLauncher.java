package dev.llmplatform.launcher;

import dev.llmplatform.launcher.models.ServedFolder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One command, the whole platform: {@code java -jar launcher/target/llm-platform.jar}.
 *
 * <p>Environment: {@code LLM_DATA_DIR} (default {@code ./data}), {@code KAFKA_BOOTSTRAP_SERVERS}
 * (an existing cluster; when unset an in-process KRaft broker starts on 127.0.0.1:9092).
 *
 * <p>Arguments: {@code --model PATH[=NAME]}, any number of times, serves a Hugging Face checkpoint or ONNX
 * export folder from anywhere ({@link ServedFolder}); {@code --logging.level.LOGGER=LEVEL} is given to every
 * service (e.g. {@code --logging.level.org.apache.kafka=INFO} brings back Kafka's client chatter, which the
 * launcher's {@code logback.xml} keeps at WARN; {@code LLM_LOG_LEVEL=debug} sets everything, the broker included).
 */
public final class PlatformLauncher {

    private PlatformLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(env("LLM_DATA_DIR", "./data")).toAbsolutePath().normalize();
        PlatformSettings defaults = PlatformSettings.defaults(dataDir);
        ServedFolder.install(defaults.modelStore(), modelArguments(args));
        PlatformSettings settings = new PlatformSettings(dataDir,
                Path.of(env("LLM_SEED_MODELS", "./models")), System.getenv("KAFKA_BOOTSTRAP_SERVERS"),
                defaults.kafkaPort(), defaults.controllerPort(),
                Integer.parseInt(env("GATEWAY_PORT", "8080")), defaults.tokenizerPort(),
                defaults.inferencePort(), defaults.trainingPort(), loggingArguments(args));
        Platform platform = Platform.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            platform.close();
            stopped.countDown();
        }, "platform-shutdown"));
        stopped.await();
    }

    /** {@code --model PATH[=NAME]} (or {@code --model=PATH[=NAME]}), as often as wanted. */
    static List<ServedFolder.Argument> modelArguments(String[] args) {
        List<ServedFolder.Argument> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--model") && i + 1 < args.length) {
                models.add(ServedFolder.Argument.parse(args[++i]));
            } else if (args[i].startsWith("--model=")) {
                models.add(ServedFolder.Argument.parse(args[i].substring("--model=".length())));
            } else if (!isLoggingArgument(args[i])) {
                throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "': the launcher takes --model PATH[=NAME] and --logging.level.LOGGER=LEVEL");
            }
        }
        return models;
    }

    /** {@code --logging.level.LOGGER=LEVEL} arguments, as settings for every service. */
    static Map<String, String> loggingArguments(String[] args) {
        Map<String, String> logging = new LinkedHashMap<>();
        for (String arg : args) {
            if (isLoggingArgument(arg)) {
                int eq = arg.indexOf('=');
                logging.put(arg.substring(2, eq), arg.substring(eq + 1));
            }
        }
        return logging;
    }

    private static boolean isLoggingArgument(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("--logging.level.") && eq > "--logging.level.".length() && eq < arg.length() - 1;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
