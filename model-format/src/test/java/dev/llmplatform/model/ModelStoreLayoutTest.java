package dev.llmplatform.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store lists every folder a user can drop in (ONNX exports, checkpoints), and nothing half there or leading out. */
class ModelStoreLayoutTest {

    private static final String CONFIG = """
            {"model_type":"llama","num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,
             "hidden_size":32,"intermediate_size":64,"vocab_size":64,"max_position_embeddings":128,
             "bos_token_id":null,"eos_token_id":[5,7]}""";

    private static final String SHARD_INDEX = """
            {"metadata": {"total_size": 10}, "weight_map": {"a": "model-00001-of-00002.safetensors",
             "b": "model-00002-of-00002.safetensors"}}""";

    @TempDir
    Path root;

    private Path folder(String name, String version, String... files) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name).resolve(version));
        for (String file : files) {
            Path path = dir.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.equals(ModelPackage.CONFIG) ? CONFIG : "x");
        }
        return dir;
    }

    @Test
    void shouldListOnnxExportsAndCheckpointsBesideThePlatformsOwnPackages() throws IOException {
        folder("export", "main", "config.json", "onnx/model.onnx", "onnx/model.onnx_data");
        folder("checkpoint", "1", "config.json", "model.safetensors");
        Path sharded = folder("sharded", "1", "config.json", "model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
        Files.writeString(sharded.resolve("model.safetensors.index.json"), SHARD_INDEX);
        ModelPackageWriter.write(new ModelStore(root), "own", "1", "decoder", 10, null, Map.of(), null,
                dir -> Files.writeString(dir.resolve(ModelPackage.CONFIG), CONFIG));
        ModelStore store = new ModelStore(root);

        assertThat(store.modelNames()).containsExactly("checkpoint", "export", "own", "sharded");
        ModelPackage export = store.openLatest("export").orElseThrow();
        assertThat(export.format()).isEqualTo(SourceFormat.ONNX);
        assertThat(export.kind()).isEqualTo("decoder");
        assertThat(export.manifest().parameterCount()).isEqualTo(export.decoderConfig().parameterCount()).isPositive();
        assertThat(export.manifest().createdEpochMs()).isPositive();
        assertThat(export.modelFile()).isEqualTo(export.dir().resolve("onnx/model.onnx"));
        assertThat(store.openLatest("own").orElseThrow().format()).isEqualTo(SourceFormat.PLATFORM);
    }

    @Test
    void shouldNeverListAFolderWithoutConfigOrWeights() throws IOException {
        folder("half", "1", "onnx/model.onnx");
        folder("half", "2", "config.json", "tokenizer.json");
        folder("half", ".3.tmp-1", "config.json", "model.onnx");
        Path copying = folder("half", "4", "config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors");
        Files.writeString(copying.resolve("model.safetensors.index.json"), SHARD_INDEX);

        ModelStore store = new ModelStore(root);

        assertThat(store.versions("half")).isEmpty();
        assertThat(store.modelNames()).doesNotContain("half");
        assertThat(store.open("half", "1")).isEmpty();
    }

    @Test
    void shouldSignalACheckpointNotConvertedYetAndServeItsConvertedGraphOnceWritten() throws IOException {
        Path dir = folder("ckpt", "1", "config.json", "model.safetensors", "llm-platform.json");
        Files.writeString(dir.resolve("llm-platform.json"), "{\"weights\": \"int4\"}");
        ModelPackage pkg = new ModelStore(root).open("ckpt", "1").orElseThrow();

        assertThat(pkg.servedGraph()).isEmpty();
        assertThatThrownBy(pkg::modelFile).isInstanceOf(ModelNotReadyException.class)
                .hasMessageContaining("not converted").hasMessageContaining(".llm-platform/onnx-int4/model.onnx");

        Path converted = pkg.layout().convertedDir("int4");
        assertThat(converted).isEqualTo(dir.resolve(".llm-platform/onnx-int4"));
        Files.createDirectories(converted);
        Files.writeString(converted.resolve(ModelLayout.CONVERTED_GRAPH), "graph");
        assertThat(pkg.modelFile()).isEqualTo(converted.resolve("model.onnx"));
    }

    @Test
    void shouldConvertEachQuantizationChoiceIntoItsOwnFolder() throws IOException {
        Path dir = folder("choices", "1", "config.json", "model.safetensors", "llm-platform.json");
        Files.writeString(dir.resolve("llm-platform.json"), """
                {"weights": "int4", "quantization": {"block_size": 32, "lm_head": "int8", "zero_points": true}}""");
        ModelPackage pkg = new ModelStore(root).open("choices", "1").orElseThrow();

        assertThat(pkg.layout().settings().conversionId()).isEqualTo("int4-b32-head-int8-zp");
        assertThatThrownBy(pkg::modelFile).isInstanceOf(ModelNotReadyException.class)
                .hasMessageContaining(".llm-platform/onnx-int4-b32-head-int8-zp/model.onnx");
        Path converted = pkg.layout().convertedDir();
        Files.createDirectories(converted);
        Files.writeString(converted.resolve(ModelLayout.CONVERTED_GRAPH), "graph");
        assertThat(pkg.modelFile()).isEqualTo(converted.resolve("model.onnx"));

        // Another choice is another conversion: the graph made for the first is not served for it.
        Files.writeString(dir.resolve("llm-platform.json"), "{\"weights\": \"int4\", \"quantization\": {\"block_size\": 64}}");
        ModelPackage changed = new ModelStore(root).open("choices", "1").orElseThrow();
        assertThat(changed.layout().convertedDir()).isEqualTo(dir.resolve(".llm-platform/onnx-int4-b64"));
        assertThat(changed.servedGraph()).isEmpty();
    }

    @Test
    void shouldRefuseQuantizationChoicesItCannotHonour() throws IOException {
        Path dir = folder("bad", "1", "config.json", "model.safetensors", "llm-platform.json");
        Files.writeString(dir.resolve("llm-platform.json"), "{\"weights\": \"int8\", \"quantization\": {\"block_size\": 48}}");
        assertThatThrownBy(() -> ModelSettings.read(dir)).hasMessageContaining("quantization.block_size 48");
        Files.writeString(dir.resolve("llm-platform.json"), "{\"weights\": \"int8\", \"quantization\": {\"lm_head\": \"fp16\"}}");
        assertThatThrownBy(() -> ModelSettings.read(dir)).hasMessageContaining("quantization.lm_head 'fp16'");
        Files.writeString(dir.resolve("llm-platform.json"), "{\"weights\": \"fp32\", \"quantization\": {\"block_size\": 32}}");
        assertThatThrownBy(() -> ModelSettings.read(dir)).hasMessageContaining("quantization applies to int8 and int4");
        Files.writeString(dir.resolve("llm-platform.json"), "{\"quantization\": {}}");
        assertThat(ModelSettings.read(dir).conversionId()).as("no choice made: the default folder").isEqualTo("int8");
    }

    @Test
    void shouldReadTheManifestThePlatformKeepsInItsOwnFolderOfAUserModel() throws IOException {
        Path dir = folder("kept", "1", "config.json", "model.onnx");
        Files.createDirectories(dir.resolve(ModelLayout.PLATFORM_DIR));
        Files.writeString(dir.resolve(ModelLayout.PLATFORM_DIR).resolve(ModelPackage.MANIFEST),
                """
                {"id":"kept:1","name":"kept","version":"1","kind":"decoder","parameterCount":7,
                 "description":"imported","createdEpochMs":5}""");

        ModelPackage pkg = new ModelStore(root).open("kept", "1").orElseThrow();

        assertThat(pkg.manifest().description()).isEqualTo("imported");
        assertThat(pkg.manifest().parameterCount()).isEqualTo(7);
        assertThat(pkg.format()).isEqualTo(SourceFormat.ONNX);
    }

    @Test
    void shouldRefuseVersionFoldersAndFilesThatLinkOutsideTheStore(@TempDir Path outside) throws IOException {
        Path elsewhere = Files.createDirectories(outside.resolve("model"));
        Files.writeString(elsewhere.resolve(ModelPackage.CONFIG), CONFIG);
        Files.writeString(elsewhere.resolve("model.onnx"), "x");
        Files.createDirectories(root.resolve("linked"));
        Files.createSymbolicLink(root.resolve("linked").resolve("1"), elsewhere);
        Path dir = folder("leaky", "1", "config.json");
        Files.createSymbolicLink(dir.resolve("model.onnx"), elsewhere.resolve("model.onnx"));
        Path inside = folder("inside", "blobs", "config.json", "model.onnx");
        Files.createDirectories(root.resolve("inside"));
        Files.createSymbolicLink(root.resolve("inside").resolve("1"), inside);

        ModelStore store = new ModelStore(root);

        assertThat(store.versions("linked")).isEmpty();
        assertThat(store.open("leaky", "1")).isEmpty();
        assertThat(store.versions("inside")).containsExactly("1", "blobs");
        assertThatThrownBy(() -> store.open("../etc", "1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepServingAPackageWhileAnotherServiceWritesAndRenamesAFolderInsideIt() throws Exception {
        ModelPackageWriter.write(new ModelStore(root), "own", "1", "decoder", 10, null, Map.of(), null,
                dir -> Files.writeString(dir.resolve(ModelPackage.CONFIG), CONFIG));
        Path fused = Files.createDirectories(root.resolve("own/1/.llm-platform/fused"));
        ModelStore store = new ModelStore(root);
        AtomicBoolean writing = new AtomicBoolean(true);
        // As the inference service makes its fused copy: a temporary folder filled, then renamed (here also removed).
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; writing.get(); i++) {
                try {
                    Path tmp = Files.createDirectories(fused.resolve(".model.tmp-" + i));
                    for (int f = 0; f < 8; f++) {
                        Files.writeString(tmp.resolve("part-" + f), "x");
                    }
                    Path done = Files.move(tmp, fused.resolve("model-" + i), StandardCopyOption.ATOMIC_MOVE);
                    try (var files = Files.list(done)) {
                        for (Path file : files.toList()) {
                            Files.delete(file);
                        }
                    }
                    Files.delete(done);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        try {
            for (int i = 0; i < 3_000; i++) {
                assertThat(store.versions("own")).as("read %d", i).containsExactly("1");
            }
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    @Test
    void shouldSkipWhatGoesAwayDuringTheLinkCheckButNotWhatCannotBeRead() {
        ModelStore.LinkCheck check = new ModelStore.LinkCheck(path -> true);
        Path file = root.resolve("gone");

        assertThat(check.visitFileFailed(file, new NoSuchFileException(file.toString()))).isEqualTo(FileVisitResult.CONTINUE);
        assertThat(check.unreadable).isFalse();
        assertThat(check.visitFileFailed(file, new AccessDeniedException(file.toString()))).isEqualTo(FileVisitResult.TERMINATE);
        assertThat(check.unreadable).isTrue();
    }
}
