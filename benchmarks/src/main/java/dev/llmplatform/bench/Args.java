package dev.llmplatform.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --key=value} command-line options of the benchmark programs, and the machine line they print first. */
final class Args {

    private final Map<String, String> values = new HashMap<>();

    Args(String[] argv) {
        for (String a : argv) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("options look like --key=value, got " + a);
            }
            int eq = a.indexOf('=');
            values.put(a.substring(2, eq), a.substring(eq + 1));
        }
    }

    String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    int integer(String key, int fallback) {
        return values.containsKey(key) ? Integer.parseInt(values.get(key)) : fallback;
    }

    double decimal(String key, double fallback) {
        return values.containsKey(key) ? Double.parseDouble(values.get(key)) : fallback;
    }

    List<Integer> integers(String key, String fallback) {
        return Arrays.stream(string(key, fallback).split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    List<String> strings(String key, String fallback) {
        return Arrays.stream(string(key, fallback).split(",")).map(String::trim).toList();
    }

    /** Date, cores, heap, JVM and the load average: a benchmark number means little without them. */
    static String machineLine() {
        Runtime rt = Runtime.getRuntime();
        String when = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        return String.format("# %s | %d cores | max heap %d MB | Java %s | load average %s", when, rt.availableProcessors(),
                rt.maxMemory() >> 20, Runtime.version(), loadAverage());
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
