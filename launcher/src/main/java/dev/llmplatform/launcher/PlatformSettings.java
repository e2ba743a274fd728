package dev.llmplatform.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the one-command mode.
 *
 * @param seedModels       folder of model packages shipped with the project, copied into the store at start
 * @param bootstrapServers an existing Kafka cluster, or null to start the in-process broker
 * @param serviceArguments extra {@code key=value} settings given to every service (highest precedence)
 */
public record PlatformSettings(
        Path dataDir,
        Path seedModels,
        String bootstrapServers,
        int kafkaPort,
        int controllerPort,
        int gatewayPort,
        int tokenizerPort,
        int inferencePort,
        int trainingPort,
        Map<String, String> serviceArguments) {

    public PlatformSettings {
        serviceArguments = serviceArguments == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(serviceArguments));
    }

    public static PlatformSettings defaults(Path dataDir) {
        return new PlatformSettings(dataDir, Path.of("models"), null, 9092, 9093, 8080, 8081, 8082, 8083, Map.of());
    }

    public Path kafkaDir() {
        return dataDir.resolve("kafka");
    }

    public Path modelStore() {
        return dataDir.resolve("models");
    }

    public Path trainingDir() {
        return dataDir.resolve("training");
    }

    public PlatformSettings withServiceArguments(Map<String, String> extra) {
        Map<String, String> merged = new LinkedHashMap<>(serviceArguments);
        merged.putAll(extra);
        return new PlatformSettings(dataDir, seedModels, bootstrapServers, kafkaPort, controllerPort, gatewayPort, tokenizerPort,
                inferencePort, trainingPort, merged);
    }
}
