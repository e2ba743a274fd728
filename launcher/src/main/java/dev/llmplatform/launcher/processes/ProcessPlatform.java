package dev.llmplatform.launcher.processes;

import dev.llmplatform.gateway.GatewayApplication;
import dev.llmplatform.inference.InferenceApplication;
import dev.llmplatform.launcher.Platform;
import dev.llmplatform.launcher.PlatformSettings;
import dev.llmplatform.launcher.kafka.FreePorts;
import dev.llmplatform.launcher.kafka.KafkaBrokerMain;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.tokenizer.TokenizerApplication;
import dev.llmplatform.training.TrainingApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform as compose or Kubernetes runs it, on one machine: the broker and every replica of every
 * service in a JVM of its own, started with the same main classes the images use and the same settings
 * as the one-command mode ({@link Platform#serviceArguments}), on free ports, each with its log file under
 * {@code DATA_DIR/logs}. Gateway replica {@code i} owns reply partition {@code i}. Tests kill, stop and
 * restart single processes ({@link #kill}, {@link #restart}, {@link #restartBroker}).
 */
public final class ProcessPlatform implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProcessPlatform.class);
    /** Start order: inference loads its models while the others start; all are awaited together. */
    public static final List<String> SERVICES = List.of("inference", "tokenizer", "training", "gateway");
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** One running replica and the port it serves HTTP on. */
    public record Replica(String service, int index, int port, ChildJvm jvm) {
        public String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    private final PlatformSettings settings;
    private final Map<String, Integer> replicas;
    private final List<String> jvmOptions;
    private final int brokerPort;
    private final int controllerPort;
    private ChildJvm broker;
    private final Map<String, List<Replica>> running = new LinkedHashMap<>();

    private ProcessPlatform(PlatformSettings settings, Map<String, Integer> replicas, List<String> jvmOptions) {
        this.settings = settings;
        this.replicas = Map.copyOf(replicas);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.brokerPort = settings.kafkaPort() > 0 ? settings.kafkaPort() : FreePorts.next();
        this.controllerPort = settings.controllerPort() > 0 ? settings.controllerPort() : FreePorts.next();
    }

    /**
     * @param replicas   replicas per service (a service left out runs one; 0 runs none, e.g. no training in tests)
     * @param jvmOptions options of every child JVM (heap, GC)
     */
    public static ProcessPlatform start(PlatformSettings settings, Map<String, Integer> replicas, List<String> jvmOptions) {
        ProcessPlatform platform = new ProcessPlatform(settings, replicas, jvmOptions);
        try {
            platform.startAll();
            return platform;
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    /** Parses {@code inference=2,tokenizer=2,gateway=2}. */
    public static Map<String, Integer> parseReplicas(String spec) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return counts;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=");
            if (kv.length != 2 || !SERVICES.contains(kv[0].trim())) {
                throw new IllegalArgumentException("--replicas takes service=count pairs for " + SERVICES + ", got '" + part + "'");
            }
            int count = Integer.parseInt(kv[1].trim());
            if (count < 0 || count > 6) {
                throw new IllegalArgumentException("replicas of " + kv[0] + " must be 0..6 (the topics' partitions), got " + count);
            }
            counts.put(kv[0].trim(), count);
        }
        return counts;
    }

    private void startAll() {
        long t0 = System.nanoTime();
        if (settings.bootstrapServers() == null || settings.bootstrapServers().isBlank()) {
            startBroker();
        }
        DefaultModels.ensure(settings.modelStore(), settings.seedModels());
        for (String service : SERVICES) {
            List<Replica> list = new ArrayList<>();
            for (int i = 0; i < replicas.getOrDefault(service, 1); i++) {
                boolean fixed = service.equals("gateway") && i == 0 && settings.gatewayPort() > 0;
                list.add(launch(service, i, fixed ? settings.gatewayPort() : FreePorts.next()));
            }
            running.put(service, list);
        }
        running.values().forEach(list -> list.forEach(ProcessPlatform::awaitReady));
        log.info("llm-platform (process mode) ready in {} s: broker {}{}", String.format("%.1f", (System.nanoTime() - t0) / 1e9),
                bootstrapServers(), banner());
    }

    private String banner() {
        StringBuilder b = new StringBuilder();
        if (broker != null) {
            b.append("\n  ").append(String.format("%-12s", "kafka")).append(bootstrapServers())
                    .append("  pid ").append(broker.pid()).append("  log ").append(broker.log());
        }
        running.forEach((service, list) -> list.forEach(r -> b.append("\n  ")
                .append(String.format("%-12s", service + "-" + r.index())).append(r.url())
                .append("  pid ").append(r.jvm().pid()).append("  log ").append(r.jvm().log())));
        return b.toString();
    }

    private void startBroker() {
        broker = ChildJvm.start("kafka", KafkaBrokerMain.class.getName(), jvmOptions,
                List.of(settings.kafkaDir().toString(), String.valueOf(brokerPort), String.valueOf(controllerPort)),
                Map.of(), logs().resolve("kafka.log"));
        broker.awaitReady(() -> broker.logContains(KafkaBrokerMain.READY + " on " + bootstrapServers()), READY_TIMEOUT);
    }

    private Replica launch(String service, int index, int port) {
        List<String> args = new ArrayList<>(Platform.serviceArguments(settings, service, port, bootstrapServers()));
        // Every process its own name in its own log (the one-JVM mode leaves it out; Spring would join two values).
        args.removeIf(arg -> arg.startsWith("--logging.include-application-name="));
        if (service.equals("gateway")) {
            args.add("--llm.gateway.reply-partition=" + index);
        }
        ChildJvm jvm = ChildJvm.start(service + "-" + index, mainClass(service), jvmOptions, args,
                Map.of("OMP_WAIT_POLICY", "PASSIVE"), logs().resolve(service + "-" + index + ".log"));
        return new Replica(service, index, port, jvm);
    }

    private static void awaitReady(Replica replica) {
        replica.jvm().awaitReady(() -> ChildJvm.answers200(replica.url() + "/actuator/health/readiness"), READY_TIMEOUT);
    }

    static String mainClass(String service) {
        return switch (service) {
            case "gateway" -> GatewayApplication.class.getName();
            case "tokenizer" -> TokenizerApplication.class.getName();
            case "inference" -> InferenceApplication.class.getName();
            case "training" -> TrainingApplication.class.getName();
            default -> throw new IllegalArgumentException("unknown service " + service);
        };
    }

    public Path logs() {
        return settings.dataDir().resolve("logs");
    }

    public String bootstrapServers() {
        return broker != null ? "127.0.0.1:" + brokerPort : settings.bootstrapServers();
    }

    public List<Replica> replicas(String service) {
        return List.copyOf(running.getOrDefault(service, List.of()));
    }

    public Replica replica(String service, int index) {
        return running.get(service).get(index);
    }

    /** SIGKILL of one replica; it stays down until {@link #restart}. */
    public void kill(String service, int index) {
        Replica replica = replica(service, index);
        replica.jvm().kill();
        log.info("killed {}-{} (pid {}) with SIGKILL", service, index, replica.jvm().pid());
    }

    /** Starts a replica again on its port (after {@link #kill}, or a SIGTERM'd one) and waits until it is ready. */
    public Replica restart(String service, int index) {
        Replica old = replica(service, index);
        if (old.jvm().isAlive()) {
            old.jvm().stop(STOP_GRACE);
        }
        Replica fresh = launch(service, index, old.port());
        running.get(service).set(index, fresh);
        awaitReady(fresh);
        return fresh;
    }

    /** The broker stopped (SIGTERM, or SIGKILL with {@code crash}), left down for {@code down}, then started on its data again. */
    public void restartBroker(Duration down, boolean crash) {
        if (broker == null) {
            throw new IllegalStateException("the broker is external (" + settings.bootstrapServers() + ")");
        }
        if (crash) {
            broker.kill();
        } else {
            broker.stop(STOP_GRACE);
        }
        ChildJvm.sleep(down);
        startBroker();
    }

    @Override
    public void close() {
        // All asked at once (they drain in parallel), then awaited: the broker last, so they can say goodbye.
        running.values().forEach(list -> list.forEach(r -> r.jvm().terminate()));
        running.values().forEach(list -> list.forEach(r -> r.jvm().stop(STOP_GRACE)));
        running.clear();
        if (broker != null) {
            broker.stop(STOP_GRACE);
            broker = null;
        }
    }
}
