package dev.llmplatform.launcher.faults;

import dev.llmplatform.launcher.PlatformSettings;
import dev.llmplatform.launcher.processes.ProcessPlatform;
import dev.llmplatform.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kill -9 one replica of a service while a mixed load runs through the platform as separate processes
 * (broker, two gateways, two tokenizers, two inference replicas: {@link ProcessPlatform}) and prove
 * nothing is lost or repeated: every answer equals the undisturbed run's, or, for a stream that cannot be
 * resumed exactly, ends with an error in OpenAI's shape. Each scenario logs what it counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ReplicaFaultsTest {

    private static final Logger log = LoggerFactory.getLogger(ReplicaFaultsTest.class);
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(90);

    private ProcessPlatform platform;
    private Path dataDir;
    private Instant lastKill;
    private MixedLoad load;
    private MixedLoad.Outcome reference;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("llm-faults-");
        dataDir = dir;
        platform = ProcessPlatform.start(new PlatformSettings(dir, Path.of("../models"), null, 0, 0, 0, 0, 0, 0,
                        Map.of("llm.inference.drain-timeout", "2s")),
                // Training announces the store's models on llm.models: without it no gateway knows one.
                Map.of("inference", 2, "tokenizer", 2, "gateway", 2, "training", 1),
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true"));
        for (String gateway : gateways()) {
            awaitModel(gateway);
        }
        load = new MixedLoad(platform.bootstrapServers());
        // A warm-up (models load on first use), then the undisturbed run: what every later answer must equal.
        load.run(gateways(), LOAD_TIMEOUT);
        reference = load.run(gateways(), LOAD_TIMEOUT);
        assertThat(reference.answers()).as("undisturbed run").hasSize(MixedLoad.HTTP_REQUESTS);
        reference.answers().values().forEach(a -> assertThat(a.errorCode()).as("request %d undisturbed", a.index()).isNull());
        assertThat(reference.batchTexts()).hasSize(MixedLoad.BATCH_REQUESTS);
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
        if (dataDir != null) {
            copyLogs();
            // The model store alone is ~100 MB (the pretrained encoder); logs are read from the test output.
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                log.warn("could not delete {}", dataDir, e);
            }
        }
    }

    /** Every process's log, kept in target/ for a look after the run (the data folder is deleted). */
    private void copyLogs() {
        Path target = Path.of("target", "fault-logs");
        try (var logs = Files.list(platform.logs())) {
            Files.createDirectories(target);
            for (Path log : logs.toList()) {
                Files.copy(log, target.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (java.io.IOException e) {
            log.warn("could not keep the logs", e);
        }
    }

    private static void awaitModel(String gateway) {
        var http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway + "/v1/models")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (response.body().contains("\"" + dev.llmplatform.launcher.models.DefaultModels.DEFAULT_MODEL + "\"")) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new AssertionError(gateway + " never listed the model " + dev.llmplatform.launcher.models.DefaultModels.DEFAULT_MODEL);
    }

    private List<String> gateways() {
        return platform.replicas("gateway").stream().filter(r -> r.jvm().isAlive()).map(ProcessPlatform.Replica::url).toList();
    }

    @Test
    @Order(1)
    void shouldFinishEveryRequestOnTheSurvivorWhenAnInferenceReplicaIsKilledMidStream() {
        MixedLoad.Outcome outcome = runKilling("inference", 1);
        Instant killed = lastKill;
        Tally tally = Tally.of("kill -9 inference-1", reference, outcome);
        Duration takeover = firstLogLineAfter(platform.replica("inference", 0).jvm().log(),
                "took request partitions [" + Topics.INFERENCE_REQUESTS.name(), killed);
        log.info("{}; the survivor took the dead replica's partitions {} ms after the kill", tally.report(), takeover.toMillis());
        tally.assertNothingLostOrRepeated();
        // Detection takes the 3 s session; the rebalance and the re-generation then wait for CPU, which on a shared
        // 2-core machine (load average 20 while this was written) stretches them: measured 2.5-3.8 s there, 6.3 s
        // once. The bound leaves room for worse and still fails the old 45 s; the log line gives the number
        // (docs/architecture.md, Failover).
        assertThat(takeover).as("the survivor takes over within seconds, not the old 45 s").isLessThan(Duration.ofSeconds(20));
        assertThat(tally.p99AddedMs()).as("p99 added latency of the affected streams (ms)").isLessThan(20_000);
    }

    /** Time from {@code after} to each log line holding {@code text} stamped after it. */
    private static List<Duration> logLinesAfter(Path log, String text, Instant after) {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text) && l.length() > 24 && l.charAt(4) == '-')
                    .map(l -> Instant.parse(l.substring(0, l.indexOf(' '))))
                    .filter(t -> t.isAfter(after)).map(t -> Duration.between(after, t)).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Time from {@code after} to the first log line holding {@code text} stamped after it (lines start with an ISO instant). */
    private static Duration firstLogLineAfter(Path log, String text, Instant after) {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text) && l.length() > 24 && l.charAt(4) == '-')
                    .map(l -> Instant.parse(l.substring(0, l.indexOf(' '))))
                    .filter(t -> t.isAfter(after)).findFirst()
                    .map(t -> Duration.between(after, t)).orElseThrow(() -> new AssertionError("no '" + text + "' in " + log));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @Order(2)
    void shouldFinishEveryStreamOnTheOtherTokenizerWhenOneIsKilledMidStream() {
        MixedLoad.Outcome outcome = runKilling("tokenizer", 1);
        Tally tally = Tally.of("kill -9 tokenizer-1", reference, outcome);
        log.info(tally.report());
        tally.assertNothingLostOrRepeated();
        assertThat(tally.failedClearly()).as("a tokenizer's death loses no token: every stream resumes exactly").isZero();
    }

    @Test
    @Order(3)
    void shouldKeepServingOnTheOtherGatewayWhenOneIsKilledMidStream() {
        List<String> both = gateways();
        MixedLoad.Outcome outcome = runKilling("gateway", 1);
        Instant killed = lastKill;
        // Request i went to gateway i mod 2: the odd ones lost their connection with gateway-1.
        Tally tally = Tally.of("kill -9 gateway-1", reference, outcome, false, i -> i % both.size() == 1);
        log.info(tally.report());
        tally.assertNothingLostOrRepeated();
        assertThat(tally.droppedWithGateway()).as("gateway-1 died with streams open").isPositive();

        // Its generations still running are orphans: inference cancels them once gateway-1's heartbeats have been
        // missing for llm.inference.orphan-timeout (5 s); a second's beat, the sweep and a busy CPU add to that.
        sleep(Math.max(0, Duration.between(Instant.now(), killed.plusSeconds(12)).toMillis()));
        List<Duration> orphans = new ArrayList<>();
        platform.replicas("inference").forEach(r -> orphans.addAll(logLinesAfter(r.jvm().log(), "is silent; cancelled", killed)));
        log.info("kill -9 gateway-1: {} orphaned generations cancelled in inference, {} ms after the kill at the latest",
                orphans.size(), orphans.stream().mapToLong(Duration::toMillis).max().orElse(0));
        assertThat(orphans).as("orphans cancelled within the bound").allSatisfy(
                after -> assertThat(after).isLessThan(Duration.ofSeconds(12)));

        Tally after = Tally.of("gateway-0 alone afterwards", reference, load.run(gateways(), LOAD_TIMEOUT));
        log.info(after.report());
        after.assertNothingLostOrRepeated();
        assertThat(after.completed()).isEqualTo(MixedLoad.HTTP_REQUESTS);
    }

    @Test
    @Order(4)
    void shouldRecoverWithoutRestartsWhenTheBrokerIsRestartedUnderLoad() {
        List<ProcessPlatform.Replica> services = new ArrayList<>();
        List.of("inference", "tokenizer", "gateway").forEach(s -> services.addAll(platform.replicas(s)));
        List<Long> pids = services.stream().filter(r -> r.jvm().isAlive()).map(r -> r.jvm().pid()).toList();
        List<String> gateways = gateways();
        CompletableFuture<MixedLoad.Outcome> running = CompletableFuture.supplyAsync(() -> load.run(gateways, LOAD_TIMEOUT),
                Executors.newVirtualThreadPerTaskExecutor());
        awaitStreamsStarted();
        platform.restartBroker(Duration.ofSeconds(3), false);
        Tally during = Tally.of("broker stopped for 3 s under load", reference, running.join(), true);
        log.info(during.report());
        // In flight: each request completed identically or failed with a clear error; nothing hung or was repeated.
        assertThat(during.lost()).as(during.report()).isEmpty();
        assertThat(during.duplicated()).as(during.report()).isEmpty();

        Tally after = Tally.of("after the broker came back", reference, load.run(gateways, LOAD_TIMEOUT));
        log.info(after.report());
        after.assertNothingLostOrRepeated();
        assertThat(after.failedClearly()).as("requests after the broker is back succeed").isZero();
        assertThat(services.stream().filter(r -> r.jvm().isAlive()).map(r -> r.jvm().pid()).toList())
                .as("no service process died or restarted").isEqualTo(pids);
    }

    private void awaitStreamsStarted() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (load.streamsStarted() < 3 && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    /** Runs the load and SIGKILLs the replica once a few streams have shown their first chunk. */
    private MixedLoad.Outcome runKilling(String service, int index) {
        List<String> gateways = gateways();
        CompletableFuture<MixedLoad.Outcome> running = CompletableFuture.supplyAsync(() -> load.run(gateways, LOAD_TIMEOUT),
                Executors.newVirtualThreadPerTaskExecutor());
        awaitStreamsStarted();
        lastKill = Instant.now();
        platform.kill(service, index);
        return running.join();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
