package dev.llmplatform.training.registry;

import dev.llmplatform.contracts.ModelEvent.State;
import dev.llmplatform.model.Float32Copies;
import dev.llmplatform.model.ModelLayout;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.SourceFormat;
import dev.llmplatform.model.discovery.FolderFingerprint;
import dev.llmplatform.model.discovery.ModelStatus;
import dev.llmplatform.model.discovery.StoreScanner;
import dev.llmplatform.model.discovery.StoreScanner.Settled;
import dev.llmplatform.training.TrainingProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Finds models in the store without a restart: every interval it looks at the store, and a version
 * folder that appeared, changed or disappeared is inspected, converted when it is a checkpoint (one
 * conversion at a time, on a thread of its own), and announced on {@code llm.models}. Trained
 * packages come through {@link #published}, the same path. Spring-free apart from its wiring; the
 * store is the truth and the registry follows it.
 */
public final class StoreWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreWatcher.class);
    /** Progress is logged and announced at most this often. */
    private static final long PROGRESS_EVERY_MS = 1000;

    private final StoreScanner scanner;
    private final ModelInspector inspector = new ModelInspector();
    private final ModelCatalog catalog;
    private final ModelAnnouncer announcer;
    private final CheckpointConversion converter;
    private final InstantSource clock;
    private final Duration interval;
    private final Map<String, String> handled = new ConcurrentHashMap<>();
    private final Set<Path> refusedLogged = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("model-store-watcher").daemon().factory());
    private final ExecutorService conversions = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("model-conversion").daemon().factory());

    StoreWatcher(StoreScanner scanner, ModelCatalog catalog, ModelAnnouncer announcer, CheckpointConversion converter,
                 Duration interval, InstantSource clock) {
        this.scanner = scanner;
        this.catalog = catalog;
        this.announcer = announcer;
        this.converter = converter;
        this.interval = interval;
        this.clock = clock;
    }

    /** The watcher of the configured store, announcing through the given template, converting with model-format. */
    public static StoreWatcher create(TrainingProperties properties, KafkaTemplate<String, String> template) {
        ModelCatalog catalog = new ModelCatalog();
        ModelAnnouncer announcer = new ModelAnnouncer(template, catalog, properties.sendTimeout());
        StoreScanner scanner = new StoreScanner(properties.modelStore(), properties.discoverySettle(), InstantSource.system());
        return new StoreWatcher(scanner, catalog, announcer, new ModelConverter(), properties.discoveryInterval(),
                InstantSource.system());
    }

    /**
     * Announces what the store holds now (two looks back to back: folders whose files are quiet count
     * as settled at once), then keeps looking every interval.
     */
    public void start() {
        StoreScanner.Scan first = scanner.scan();
        tick();
        // The platform's own packages need not wait to settle (seed copies and trained packages may be
        // seconds old at start): their manifest names every file's sha256, so a package whose files all
        // match is whole now, and is announced before the services report ready.
        for (String key : first.present()) {
            if (!handled.containsKey(key)) {
                announceIfWhole(key);
            }
        }
        ticker.scheduleWithFixedDelay(this::tickSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void announceIfWhole(String key) {
        String name = key.substring(0, key.indexOf(':'));
        String version = key.substring(key.indexOf(':') + 1);
        Path dir = scanner.root().resolve(name).resolve(version);
        try {
            ModelPackage pkg = ModelPackage.open(name, version, dir);
            if (Files.isRegularFile(dir.resolve(ModelPackage.MANIFEST)) && pkg.manifest().matches(dir)) {
                handle(new Settled(name, version, dir, FolderFingerprint.of(dir)));
            }
        } catch (IOException | RuntimeException e) {
            log.debug("{} is not whole yet: {}", key, e.toString());
        }
    }

    /** A package training just wrote (atomically): announced now, before the job reports success. */
    public void published(ModelPackage pkg) {
        try {
            FolderFingerprint fp = FolderFingerprint.of(pkg.dir());
            handle(new Settled(pkg.name(), pkg.version(), pkg.dir(), fp));
            announcer.announce(pkg.name());     // throws when Kafka did not take it: the job must not report success
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the package just written at " + pkg.dir(), e);
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("model store scan failed, trying again in {}: {}", interval, e.toString());
        }
    }

    synchronized void tick() {
        StoreScanner.Scan scan = scanner.scan();
        scan.refused().forEach((dir, reason) -> {
            if (refusedLogged.add(dir)) {
                log.warn("model store: ignoring {}: {}", dir, reason);
            }
        });
        for (Settled folder : scan.settled()) {
            if (!folder.fingerprint().hash().equals(handled.get(folder.key()))) {
                handle(folder);
            }
        }
        for (String key : Set.copyOf(handled.keySet())) {
            if (!scan.present().contains(key)) {
                removed(key);
            }
        }
        announcer.unsent().forEach(this::announceSafely);
    }

    private synchronized void handle(Settled folder) {
        String key = folder.key();
        boolean replaced = handled.containsKey(key);
        handled.put(key, folder.fingerprint().hash());
        ModelInspector.Inspection found = inspector.inspect(folder, clock.millis());
        ModelStatus status = remembered(folder).orElse(found.status());
        log.info("model store: {} {} ({} files, {} MB){}", replaced ? "changed" : "found", key,
                folder.fingerprint().files(), folder.fingerprint().bytes() >> 20,
                status.state() == State.FAILED ? ": " + status.message() : "");
        ModelCatalog.Entry entry = new ModelCatalog.Entry(folder.name(), folder.version(), status, found.contextLength(),
                found.evalLoss(), found.trainingJobId(), found.createdEpochMs());
        update(entry, folder.dir());
        if (status.state() == State.CONVERTING) {
            ModelLayout layout = ModelLayout.detect(folder.dir()).orElseThrow();
            conversions.submit(() -> convert(entry, layout, folder.fingerprint().hash()));
        }
    }

    /**
     * The status saved beside the folder when it is about exactly these files and still holds: a
     * conversion done before a restart is not repeated, a failure is not retried until the files change.
     */
    private Optional<ModelStatus> remembered(Settled folder) {
        return ModelStatus.read(folder.dir())
                .filter(s -> folder.fingerprint().hash().equals(s.fingerprint()))
                .filter(s -> s.state() == State.FAILED || (s.state() == State.READY && servedGraphExists(folder.dir())));
    }

    private static boolean servedGraphExists(Path dir) {
        try {
            return ModelLayout.detect(dir).flatMap(ModelLayout::servedGraph).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void removed(String key) {
        handled.remove(key);
        catalog.remove(key);
        String name = key.substring(0, key.indexOf(':'));
        log.info("model store: {} removed", key);
        announceSafely(name);
    }

    /**
     * Makes what a folder needs before it can serve, on the conversion thread: a checkpoint's ONNX graph,
     * or the float32 copy of a float16 export (the engine feeds float32 tensors). Inference only reads
     * the store (its volume may be read-only), so it never has to write either.
     */
    private void convert(ModelCatalog.Entry entry, ModelLayout layout, String fingerprint) {
        String key = entry.name() + ":" + entry.version();
        String weights = layout.format() == SourceFormat.SAFETENSORS ? layout.settings().weightFormat()
                : ModelInspector.HALF_AS_FLOAT;
        long[] lastAnnounced = {0};
        try {
            long parameters = layout.format() == SourceFormat.SAFETENSORS
                    ? converter.convert(layout, layout.convertedDir(), weights, (fraction, step) -> {
                long now = clock.millis();
                if (now - lastAnnounced[0] >= PROGRESS_EVERY_MS) {
                    lastAnnounced[0] = now;
                    log.info("model {}: converting to {}, {}% ({})", key, weights, Math.round(fraction * 100), step);
                    if (fingerprint.equals(handled.get(key))) {
                        update(withStatus(entry, entry.status().converting(fraction, step, now)), layout.dir());
                    }
                }
            })
                    : float32Copy(layout, key);
            if (fingerprint.equals(handled.get(key))) {
                long count = parameters > 0 ? parameters : entry.status().parameterCount() == null ? 0 : entry.status().parameterCount();
                update(withStatus(entry, entry.status().ready(weights, count, clock.millis())), layout.dir());
            }
        } catch (Exception e) {
            log.warn("model {}: conversion failed: {}", key, ModelInspector.describe(e));
            if (fingerprint.equals(handled.get(key))) {
                update(withStatus(entry, entry.status().failed(ModelInspector.describe(e), clock.millis())), layout.dir());
            }
        }
    }

    private static long float32Copy(ModelLayout layout, String key) {
        Path graph = layout.servedGraph().orElseThrow();
        Float32Copies.Served served = Float32Copies.servable(layout, graph);
        log.info("model {}: float32 copy of {} made: {} MB for a {} MB float16 source (float32 speed, twice the memory)",
                key, layout.dir().relativize(graph), served.bytes() >> 20, served.sourceBytes() >> 20);
        return 0;
    }

    private static ModelCatalog.Entry withStatus(ModelCatalog.Entry e, ModelStatus status) {
        return new ModelCatalog.Entry(e.name(), e.version(), status, e.contextLength(), e.evalLoss(), e.trainingJobId(),
                e.createdEpochMs());
    }

    /** Records the status (beside user folders, so a restart remembers it) and announces the model. */
    private void update(ModelCatalog.Entry entry, Path dir) {
        catalog.put(entry);
        if (!Files.isRegularFile(dir.resolve(ModelPackage.MANIFEST))) {
            try {
                entry.status().write(dir);
            } catch (IOException e) {
                log.warn("cannot write the status of {}:{} into {}: {}", entry.name(), entry.version(),
                        dir.resolve(ModelLayout.PLATFORM_DIR), e.toString());
            }
        }
        announceSafely(entry.name());
    }

    private void announceSafely(String name) {
        try {
            announcer.announce(name);
        } catch (RuntimeException e) {
            log.warn("{}; trying again at the next look at the store", e.getMessage());
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        conversions.shutdownNow();
    }
}
