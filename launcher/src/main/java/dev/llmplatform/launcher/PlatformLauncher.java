package dev.llmplatform.launcher;

import dev.llmplatform.launcher.models.ServedFolder;
import dev.llmplatform.launcher.processes.ProcessPlatform;

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
 * {@code --processes} runs the broker and every service in a JVM of its own ({@link ProcessPlatform}), with
 * {@code --replicas inference=2,tokenizer=2,gateway=2} replicas; the first gateway listens on {@code GATEWAY_PORT}.
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
        AutoCloseable platform = processMode(args)
                ? ProcessPlatform.start(settings, ProcessPlatform.parseReplicas(replicasArgument(args)), processJvmOptions())
                : Platform.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                platform.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }, "platform-shutdown"));
        stopped.await();
    }

    static boolean processMode(String[] args) {
        return List.of(args).contains("--processes");
    }

    /** {@code --replicas inference=2,tokenizer=2} (or {@code --replicas=...}); null when absent. */
    static String replicasArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--replicas") && i + 1 < args.length) {
                return args[i + 1];
            } else if (args[i].startsWith("--replicas=")) {
                return args[i].substring("--replicas=".length());
            }
        }
        return null;
    }

    /** Options of each child JVM in the process mode: {@code LLM_PROCESS_JVM_OPTS}, or a small default heap each. */
    static List<String> processJvmOptions() {
        String options = env("LLM_PROCESS_JVM_OPTS", "-Xmx1g -XX:+UseSerialGC -Dai.djl.offline=true");
        return List.of(options.trim().split("\\s+"));
    }

    /** {@code --model PATH[=NAME]} (or {@code --model=PATH[=NAME]}), as often as wanted. */
    static List<ServedFolder.Argument> modelArguments(String[] args) {
        List<ServedFolder.Argument> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--processes")) {
                continue;
            } else if (args[i].equals("--replicas") && i + 1 < args.length) {
                i++;
            } else if (args[i].startsWith("--replicas=")) {
                continue;
            } else if (args[i].equals("--model") && i + 1 < args.length) {
                models.add(ServedFolder.Argument.parse(args[++i]));
            } else if (args[i].startsWith("--model=")) {
                models.add(ServedFolder.Argument.parse(args[i].substring("--model=".length())));
            } else if (!isLoggingArgument(args[i])) {
                throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "': the launcher takes --model PATH[=NAME], --logging.level.LOGGER=LEVEL, --processes"
                        + " and --replicas SERVICE=N,...");
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
