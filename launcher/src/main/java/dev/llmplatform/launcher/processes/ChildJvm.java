package dev.llmplatform.launcher.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One JVM of the process mode: a main class run with the launcher's own classpath (or, from the
 * launcher's fat jar, through Spring Boot's {@code PropertiesLauncher}), its output in a log file.
 * {@link #kill()} is SIGKILL: no shutdown hook, no goodbye to Kafka, as a crashed pod.
 */
public final class ChildJvm {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path log;
    private final Process process;

    private ChildJvm(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code mainClass} with {@code args}; stdout and stderr go to {@code log} (appended: a restart continues it). */
    public static ChildJvm start(String name, String mainClass, List<String> jvmOptions, List<String> args,
                                 Map<String, String> environment, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(classpathAndMain(mainClass));
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            return new ChildJvm(name, log, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** From a Spring Boot fat jar the nested jars need Boot's loader; otherwise the classpath is the launcher's. */
    static List<String> classpathAndMain(String mainClass) {
        String classpath = System.getProperty("java.class.path");
        if (!classpath.contains(java.io.File.pathSeparator) && classpath.endsWith(".jar") && isBootJar(Path.of(classpath))) {
            return List.of("-Dloader.main=" + mainClass, "-cp", classpath,
                    "org.springframework.boot.loader.launch.PropertiesLauncher");
        }
        return List.of("-cp", classpath, mainClass);
    }

    private static boolean isBootJar(Path jar) {
        try (var file = new java.util.jar.JarFile(jar.toFile())) {
            return file.getEntry("BOOT-INF/lib/") != null || file.getEntry("BOOT-INF/classes/") != null;
        } catch (IOException e) {
            return false;
        }
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM without waiting. */
    public void terminate() {
        process.destroy();
    }

    /** SIGTERM (shutdown hooks run: Spring drains, the broker closes), then SIGKILL after {@code grace}. */
    public void stop(Duration grace) {
        process.destroy();
        if (!awaitExit(grace)) {
            kill();
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits for {@code ready}, failing at once (with the log's tail) if the process dies first. */
    public void awaitReady(BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready:\n" + tail(40));
            }
            if (ready.getAsBoolean()) {
                return;
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException(name + " not ready within " + timeout + ":\n" + tail(40));
    }

    /** True when {@code url} answers 200 (a readiness probe). */
    public static boolean answers200(String url) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True once the log has a line containing {@code text}. */
    public boolean logContains(String text) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines of the log, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
