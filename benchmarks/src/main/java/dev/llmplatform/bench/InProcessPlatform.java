package dev.llmplatform.bench;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

/**
 * The whole platform in this JVM ({@code dev.llmplatform.launcher.Platform}: in-process Kafka broker and
 * the four services), on free ports. Reached by reflection because the launcher's Maven artifact is a
 * Spring Boot fat jar that cannot be compiled against; {@code run.sh} puts {@code launcher/target/classes}
 * on the classpath.
 */
final class InProcessPlatform implements AutoCloseable {

    private final AutoCloseable platform;
    private final int gatewayPort;

    private InProcessPlatform(AutoCloseable platform, int gatewayPort) {
        this.platform = platform;
        this.gatewayPort = gatewayPort;
    }

    /**
     * @param seedModels       folder of {@code <name>/<version>/} packages copied into the store at start
     * @param serviceArguments {@code key=value} settings given to every service
     */
    static InProcessPlatform start(Path dataDir, Path seedModels, Map<String, String> serviceArguments) throws Exception {
        Class<?> settingsType;
        Class<?> platformType;
        try {
            settingsType = Class.forName("dev.llmplatform.launcher.PlatformSettings");
            platformType = Class.forName("dev.llmplatform.launcher.Platform");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("launcher classes missing: run ./mvnw -B -o -q -pl launcher compile, then benchmarks/run.sh", e);
        }
        Constructor<?> settings = settingsType.getConstructor(Path.class, Path.class, String.class, int.class, int.class,
                int.class, int.class, int.class, int.class, Map.class);
        Object s = settings.newInstance(dataDir, seedModels, null, freePort(), freePort(), freePort(), freePort(),
                freePort(), freePort(), serviceArguments);
        try {
            Object platform = platformType.getMethod("start", settingsType).invoke(null, s);
            int port = (int) platformType.getMethod("gatewayPort").invoke(platform);
            return new InProcessPlatform((AutoCloseable) platform, port);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    String bootstrapServers() throws Exception {
        return (String) platform.getClass().getMethod("bootstrapServers").invoke(platform);
    }

    /** The port a service listens on (its actuator is there too). */
    int port(String service) throws Exception {
        return (int) platform.getClass().getMethod("port", String.class).invoke(platform, service);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        platform.close();
    }
}
