package dev.llmplatform.launcher.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), run
 * in-process with Kafka's own server classes: the one-command mode and the tests use it, a
 * deployment points {@code spring.kafka.bootstrap-servers} at a cluster instead.
 *
 * <p>Data lives under {@code logDir} and survives restarts; the broker never deletes it.
 */
public final class InProcessKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InProcessKafkaBroker.class);

    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private KafkaRaftServer server;

    public InProcessKafkaBroker(Path logDir, int brokerPort, int controllerPort) {
        this.logDir = logDir.toAbsolutePath();
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public synchronized InProcessKafkaBroker start() {
        if (server != null) {
            return this;
        }
        long t0 = System.nanoTime();
        // Kafka calls System.exit on fatal errors; in a JVM shared with the services that would
        // take everything down without a word, so turn it into an exception we can log.
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("Kafka asked to exit(" + code + "): " + message);
        });
        Exit.setHaltProcedure((code, message) -> {
            throw new IllegalStateException("Kafka asked to halt(" + code + "): " + message);
        });
        Properties props = brokerProperties();
        format(props);
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        awaitListening(Duration.ofSeconds(30));
        log.info("Kafka broker (KRaft, in-process) ready on {} in {} ms, data in {}",
                bootstrapServers(), (System.nanoTime() - t0) / 1_000_000, logDir);
        return this;
    }

    Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // One node: every internal topic has one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Lets consumers keep 3 s sessions (FastFailover): a dead replica's partitions move in seconds (Kafka's minimum is 6 s).
        p.put("group.min.session.timeout.ms", "1000");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return p;
    }

    /** Formats the storage once; a formatted directory keeps its cluster id across restarts. */
    private void format(Properties props) {
        if (Files.isRegularFile(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            Path config = Files.createTempFile("kraft-", ".properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "in-process KRaft broker");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[]{"format", "-t", Uuid.randomUuid().toString(),
                    "-c", config.toString(), "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
            Files.deleteIfExists(config);
            if (rc != 0) {
                throw new IllegalStateException("kafka storage format failed: " + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", brokerPort), 200);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
            }
        }
        throw new IllegalStateException("Kafka broker did not listen on " + bootstrapServers() + " within " + timeout);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
