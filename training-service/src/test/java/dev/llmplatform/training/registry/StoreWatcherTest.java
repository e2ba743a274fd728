package dev.llmplatform.training.registry;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.contracts.ModelEvent.State;
import dev.llmplatform.model.ModelLayout;
import dev.llmplatform.model.discovery.StoreScanner;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.core.KafkaTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The store watcher against a real folder and the real converter; the Kafka template records what
 * would be announced. Looks are driven by hand ({@code tick()}), with no settle time, so "settled"
 * means "unchanged since the previous look".
 */
class StoreWatcherTest {

    private static final Path FIXTURES = fixtures();

    @TempDir
    Path store;

    private final List<ProducerRecord<String, String>> announced = new CopyOnWriteArrayList<>();
    private StoreWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }

    @Test
    void shouldAnnounceACheckpointAsConvertingThenReadyAndRememberTheConversionAcrossARestart() throws IOException {
        Path dir = copyFixture("smollm2", "small", "1");
        Files.writeString(dir.resolve(ModelLayout.SETTINGS), "{\"weights\": \"fp32\"}");
        watcher = watcher();
        watcher.tick();
        assertThat(announced).isEmpty();                 // one look: not settled yet

        watcher.tick();
        await().atMost(Duration.ofSeconds(60)).until(() -> last("small").map(ModelEvent::state).orElse(null) == State.READY);
        ModelEvent ready = last("small").orElseThrow();
        assertThat(announced).extracting(r -> event(r).state()).contains(State.CONVERTING);
        assertThat(ready.architecture()).isEqualTo("LlamaForCausalLM");
        assertThat(ready.sourceFormat()).isEqualTo("safetensors");
        assertThat(ready.weightFormat()).isEqualTo("fp32");
        assertThat(ready.chatTemplate()).isTrue();
        assertThat(ready.parameterCount()).isPositive();
        assertThat(dir.resolve(".llm-platform/onnx-fp32/model.onnx")).isRegularFile();
        assertThat(dir.resolve(".llm-platform/status.json")).isRegularFile();

        watcher.close();
        announced.clear();
        watcher = watcher();
        watcher.tick();
        watcher.tick();
        assertThat(last("small").orElseThrow().state()).isEqualTo(State.READY);
        assertThat(announced).extracting(r -> event(r).state()).doesNotContain(State.CONVERTING);
    }

    @Test
    void shouldAnnounceAPlatformPackageJustCopiedAtStartWhenItsFilesMatchItsManifest() throws IOException {
        copyTree(FIXTURES.getParent().getParent().resolve("models/starter/1"), store.resolve("starter/1"));
        Path partial = store.resolve("partial/1");
        copyTree(FIXTURES.getParent().getParent().resolve("models/starter/1"), partial);
        truncate(partial.resolve("model.onnx"), 100);
        watcher = watcher(Duration.ofMinutes(1));

        watcher.start();                                 // files seconds old: not settled, but whole by their manifest

        assertThat(last("starter").orElseThrow().state()).isEqualTo(State.READY);
        assertThat(last("partial")).isEmpty();           // a copy whose files do not match waits for the settle rule
    }

    @Test
    void shouldWaitForAFolderStillBeingCopiedAndFailACorruptOneBesideAGoodOne() throws IOException {
        Path good = copyFixture("smollm2", "good", "1");
        Files.writeString(good.resolve(ModelLayout.SETTINGS), "{\"weights\": \"fp32\"}");
        Path half = store.resolve("half/1");
        Files.createDirectories(half);
        Files.copy(FIXTURES.resolve("smollm2/config.json"), half.resolve("config.json"));
        Path broken = copyFixture("smollm2", "broken", "1");
        truncate(broken.resolve("model.safetensors"), 1000);
        watcher = watcher();
        watcher.tick();

        Files.copy(FIXTURES.resolve("smollm2/model.safetensors"), half.resolve("model.safetensors"));
        watcher.tick();                                  // half/1 changed since the last look: not taken
        assertThat(announced).extracting(ProducerRecord::key).doesNotContain("half");

        await().atMost(Duration.ofSeconds(60)).until(() -> last("good").map(ModelEvent::state).orElse(null) == State.READY
                && last("broken").map(ModelEvent::state).orElse(null) == State.FAILED);
        ModelEvent failed = last("broken").orElseThrow();
        assertThat(failed.message()).contains("model.safetensors");

        watcher.tick();                                  // unchanged now: taken (it still lacks its tokenizer)
        await().atMost(Duration.ofSeconds(30)).until(() -> last("half").isPresent());
        assertThat(last("half").orElseThrow().state()).isEqualTo(State.FAILED);
        assertThat(last("half").orElseThrow().message()).contains("tokenizer.json");
        assertThat(last("good").orElseThrow().state()).isEqualTo(State.READY);
    }

    @Test
    void shouldServeTheOldVersionWhileTheNewOneConvertsAndWithdrawAModelWhoseFoldersAreGone() throws IOException {
        Path v1 = copyFixture("llama3-onnx", "m", "1");
        watcher = watcher();
        watcher.tick();
        watcher.tick();
        ModelEvent first = last("m").orElseThrow();
        assertThat(first.state()).isEqualTo(State.READY);
        assertThat(first.sourceFormat()).isEqualTo("onnx");
        assertThat(first.version()).isEqualTo("1");

        Path v2 = copyFixture("smollm2", "m", "2");
        Files.writeString(v2.resolve(ModelLayout.SETTINGS), "{\"weights\": \"int4\"}");
        watcher.tick();
        watcher.tick();
        assertThat(announced).map(StoreWatcherTest::event).filteredOn(e -> e.pending() != null)
                .first().satisfies(e -> {
                    assertThat(e.version()).isEqualTo("1");
                    assertThat(e.pending().version()).isEqualTo("2");
                });
        await().atMost(Duration.ofSeconds(60)).until(() -> "2".equals(last("m").map(ModelEvent::version).orElse(null)));
        assertThat(last("m").orElseThrow().weightFormat()).isEqualTo("int4");

        deleteTree(v2);
        watcher.tick();
        assertThat(last("m").orElseThrow().version()).isEqualTo("1");
        deleteTree(v1);
        watcher.tick();
        assertThat(announced.getLast().key()).isEqualTo("m");
        assertThat(announced.getLast().value()).isNull();      // tombstone
    }

    @Test
    void shouldFailAnUnreadableGraphOrABrokenConfigNamingTheFile() throws IOException {
        Path graph = copyFixture("llama3-onnx", "garbled", "1");
        Files.writeString(graph.resolve("onnx/model.onnx"), "this is not protobuf");
        Path config = copyFixture("llama3-onnx", "no-layers", "1");
        Files.writeString(config.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": 64}");
        watcher = watcher();
        watcher.tick();
        watcher.tick();

        assertThat(last("garbled").orElseThrow().state()).isEqualTo(State.FAILED);
        assertThat(last("garbled").orElseThrow().message()).contains("onnx/model.onnx");
        assertThat(last("no-layers").orElseThrow().state()).isEqualTo(State.FAILED);
        assertThat(last("no-layers").orElseThrow().message()).contains("config.json");
    }

    @Test
    void shouldMakeTheFloat32CopyOfAFloat16ExportSoInferenceOnlyReads() throws IOException {
        Path dir = store.resolve("half/1");
        Path fp32 = Files.createTempDirectory("fp32-export");
        copyTree(FIXTURES.resolve("llama3-onnx"), fp32);
        Files.createDirectories(dir.resolve("onnx"));
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            Files.copy(fp32.resolve(f), dir.resolve(f));
        }
        dev.llmplatform.model.FloatPrecision.toFloat16(fp32.resolve("onnx/model.onnx"), dir.resolve("onnx"));
        deleteTree(fp32);
        try (Stream<Path> files = Files.list(dir.resolve("onnx"))) {
            for (Path f : files.toList()) {           // onnx-community's name for a float16 variant
                if (f.getFileName().toString().equals("model.onnx")) {
                    Files.move(f, f.resolveSibling("model_fp16.onnx"));
                }
            }
        }
        watcher = watcher();
        watcher.tick();
        watcher.tick();

        await().atMost(Duration.ofSeconds(60)).until(() -> last("half").map(ModelEvent::state).orElse(null) == State.READY);
        assertThat(announced).extracting(r -> event(r).state()).contains(State.CONVERTING);
        assertThat(last("half").orElseThrow().weightFormat()).isEqualTo("fp16 (run as fp32)");
        try (Stream<Path> copies = Files.walk(dir.resolve(".llm-platform/fp32"))) {
            assertThat(copies.map(p -> p.getFileName().toString())).contains("model.onnx");
        }
    }

    @Test
    void shouldIgnoreUnsafeFolderNamesAndRefuseSymbolicLinks() throws IOException {
        Files.createDirectories(store.resolve("bad name/1"));
        Path outside = Files.createTempDirectory("outside-store");
        copyTree(FIXTURES.resolve("llama3-onnx"), outside);
        Files.createDirectories(store.resolve("linked"));
        Files.createSymbolicLink(store.resolve("linked/1"), outside);
        watcher = watcher();
        watcher.tick();
        watcher.tick();

        assertThat(announced).extracting(ProducerRecord::key).doesNotContain("bad name");
        ModelEvent linked = last("linked").orElseThrow();
        assertThat(linked.state()).isEqualTo(State.FAILED);
        assertThat(linked.message()).contains("symbolic link");
        deleteTree(outside);
    }

    @Test
    void shouldNeverServeLookAlikeOrOverlongFolderNamesNorAFolderWithAFileLinkedOutOfTheStore() throws IOException {
        for (String name : new String[] {"ｔｉｎｙ", "tiny\u2010llama", "tіny", "m".repeat(200), "..."}) {
            copyTree(FIXTURES.resolve("llama3-onnx"), Files.createDirectories(store.resolve(name).resolve("1")));
        }
        copyTree(FIXTURES.resolve("llama3-onnx"), Files.createDirectories(store.resolve("fine/\uff11")));
        Path outside = Files.createTempDirectory("outside-store");
        Path secret = Files.writeString(outside.resolve("config.json"), "{\"secret\":true}");
        Path escape = Files.createDirectories(store.resolve("escape/1"));
        copyTree(FIXTURES.resolve("llama3-onnx"), escape);
        Files.delete(escape.resolve("config.json"));
        Files.createSymbolicLink(escape.resolve("config.json"), secret);
        watcher = watcher();
        watcher.tick();
        watcher.tick();

        assertThat(announced).extracting(ProducerRecord::key).containsOnly("escape");
        ModelEvent escaped = last("escape").orElseThrow();
        assertThat(escaped.state()).isEqualTo(State.FAILED);
        assertThat(escaped.message()).contains("symbolic link");
        deleteTree(outside);
    }

    private StoreWatcher watcher() {
        return watcher(Duration.ZERO);
    }

    @SuppressWarnings("unchecked")
    private StoreWatcher watcher(Duration settle) {
        KafkaTemplate<String, String> template = mock(KafkaTemplate.class);
        when(template.send(any(ProducerRecord.class))).thenAnswer(call -> {
            ProducerRecord<String, String> record = call.getArgument(0);
            assertThat(record.topic()).isEqualTo(Topics.MODELS.name());
            announced.add(record);
            return CompletableFuture.completedFuture(null);
        });
        ModelCatalog catalog = new ModelCatalog();
        return new StoreWatcher(new StoreScanner(store, settle, InstantSource.system()), catalog,
                new ModelAnnouncer(template, catalog, Duration.ofSeconds(5)), new ModelConverter(), Duration.ofHours(1),
                InstantSource.system());
    }

    private java.util.Optional<ModelEvent> last(String name) {
        return announced.reversed().stream().filter(r -> r.key().equals(name)).findFirst()
                .map(r -> r.value() == null ? null : event(r));
    }

    private static ModelEvent event(ProducerRecord<String, String> record) {
        return Messages.fromJson(record.value(), ModelEvent.class);
    }

    private Path copyFixture(String fixture, String name, String version) throws IOException {
        Path dir = store.resolve(name).resolve(version);
        copyTree(FIXTURES.resolve(fixture), dir);
        return dir;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** The repository's fixtures/hf, written by PyTorch (fixtures/hf/make_fixtures.py). */
    static Path fixtures() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("fixtures/hf"))) {
                return dir.resolve("fixtures/hf");
            }
        }
        throw new IllegalStateException("no fixtures/hf above " + Path.of("").toAbsolutePath());
    }
}
