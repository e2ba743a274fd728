package dev.llmplatform.inference.engine.onnx;

import dev.llmplatform.inference.testing.TinyFused;
import dev.llmplatform.inference.testing.TinyFused.Family;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.onnx.FusedCopies;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On CPU a package's plain float32 graph (here with its weights in external data, as the converter writes
 * them) is served through a fused copy made once in {@code .llm-platform/fused/}, with the plain graph's
 * logits; {@code "graph_form": "plain"} in {@code llm-platform.json} keeps the plain graph.
 */
class FusedServingTest {

    private static final int[] SEQUENCE = {1, 17, 42, 5, 60, 8, 8, 30, 2, 11, 50, 7};

    @TempDir
    Path store;

    @ParameterizedTest
    @EnumSource(Family.class)
    void shouldServeAFusedCopyWithThePlainGraphsLogitsUnlessPinnedPlain(Family family) throws IOException {
        Path dir = Files.createDirectories(store.resolve("tiny").resolve("1"));
        LlamaOnnxWriter.writeExternal(family.spec(), TinyFused.randomTensors(5), dir.resolve("model.onnx"),
                LlamaOnnxWriter.Options.DEFAULT);
        ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), family.spec().config());
        ModelPackage pkg = new ModelStore(store).openLatest("tiny").orElseThrow();

        float[][] expected;
        try (OnnxDecoder plain = OnnxDecoder.open(pkg.modelFile(), pkg.decoderConfig(), DecoderOptions.cpu(1))) {
            assertThat(plain.graph().fused()).isFalse();
            expected = plain.step(List.of(plain.newCache(SEQUENCE.length)), List.of(SEQUENCE), true)[0];
        }
        Path copy = FusedCopies.copyDir(pkg.layout(), pkg.modelFile()).resolve("model.onnx");
        try (OnnxDecoder served = ServedDecoders.open(pkg, DecoderOptions.cpu(1))) {
            assertThat(served.graph().fused()).isTrue();
            float[][] logits = served.step(List.of(served.newCache(SEQUENCE.length)), List.of(SEQUENCE), true)[0];
            assertThat(OnnxDecoderTest.maxAbsDiff(logits, expected)).isLessThanOrEqualTo(1e-4);
        }
        assertThat(copy).isRegularFile().startsWith(dir.resolve(".llm-platform"));
        FileTime made = Files.getLastModifiedTime(copy);
        try (OnnxDecoder again = ServedDecoders.open(pkg, DecoderOptions.cpu(1))) {
            assertThat(again.graph().fused()).isTrue();
        }
        assertThat(Files.getLastModifiedTime(copy)).as("the copy is reused, not made again").isEqualTo(made);

        Files.writeString(dir.resolve("llm-platform.json"), "{\"graph_form\": \"plain\"}");
        try (OnnxDecoder pinned = ServedDecoders.open(pkg, DecoderOptions.cpu(1))) {
            assertThat(pinned.graph().fused()).isFalse();
        }
    }
}
