package dev.llmplatform.inference.engine.onnx;

import dev.llmplatform.inference.testing.TinyLlama;
import dev.llmplatform.model.FloatPrecision;
import dev.llmplatform.model.ModelLayout;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.llama.LlamaReference;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An export with only a float16 variant (onnx-community's {@code onnx/model_fp16.onnx}): the engine
 * feeds float32 past/present, so the graph is served through a float32 copy made once in
 * {@code .llm-platform/}, and gives the float32 model's logits up to float16's rounding of the weights.
 */
class Float16GraphTest {

    /**
     * Each weight rounded to float16 (relative error at most 2^-11) moves the tiny random model's logits by
     * about 1.5e-4 (measured); the bound leaves room for other kernels. An unconverted or mis-converted
     * tensor moves them by tenths or whole units, and a difference of exactly 0 would mean the float32
     * source was served instead of the float16 graph.
     */
    private static final double FP16_TOLERANCE = 2e-3;
    private static final int[] SEQUENCE = {1, 17, 42, 5, 63, 8, 8, 30, 2, 11, 50, 7};

    @TempDir
    Path store;

    @Test
    void shouldServeAFloat16GraphThroughAFloat32CopyMadeOnceWithFloat32Logits() throws IOException {
        Path dir = store.resolve("tiny").resolve("fp16");
        Path fp32 = Files.createDirectories(store.resolve("work")).resolve("model.onnx");
        LlamaOnnxWriter.write(TinyLlama.WEIGHTS, fp32, LlamaOnnxWriter.Options.DEFAULT);
        FloatPrecision.toFloat16(fp32, dir.resolve("onnx"));
        Files.move(dir.resolve("onnx/model.onnx"), dir.resolve("onnx/model_fp16.onnx"));
        ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), TinyLlama.CONFIG);
        ModelPackage pkg = new ModelStore(store).openLatest("tiny").orElseThrow();
        assertThat(pkg.modelFile()).isEqualTo(dir.resolve("onnx/model_fp16.onnx"));

        Path copy = pkg.layout().float32Dir(pkg.modelFile()).resolve(ModelLayout.CONVERTED_GRAPH);
        float[][] logits;
        try (OnnxDecoder decoder = ServedDecoders.open(pkg, DecoderOptions.cpu(1))) {
            logits = decoder.step(List.of(decoder.newCache(SEQUENCE.length)), List.of(SEQUENCE), true)[0];
        }
        assertThat(copy).isRegularFile().startsWith(dir.resolve(".llm-platform"));
        float[][] reference = LlamaReference.logits(TinyLlama.WEIGHTS, SEQUENCE);
        double diff = OnnxDecoderTest.maxAbsDiff(logits, reference);
        assertThat(diff).isLessThanOrEqualTo(FP16_TOLERANCE).isGreaterThan(0);

        FileTime made = Files.getLastModifiedTime(copy);
        try (OnnxDecoder again = ServedDecoders.open(pkg, DecoderOptions.cpu(1))) {
            assertThat(again.graph().layers()).isEqualTo(2);
        }
        assertThat(Files.getLastModifiedTime(copy)).as("the copy is reused, not made again").isEqualTo(made);
        assertThat(dir.resolve("onnx")).isDirectoryNotContaining("glob:**/model.onnx");
    }
}
