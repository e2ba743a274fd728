package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.inference.engine.onnx.ServedDecoders;
import dev.llmplatform.inference.testing.HfFixtures;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.SourceFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's ONNX export dropped into the store as torch.onnx.export wrote it ({@code onnx/model.onnx}
 * with its weights in {@code onnx/model.onnx_data}, Optimum's names): the engine serves it and
 * reproduces what PyTorch generated from the same weights.
 */
class UserOnnxExportTest {

    /** PyTorch's float32 logits against ONNX Runtime's: same weights, different kernels. */
    private static final double LOGIT_TOLERANCE = 1e-3;

    @TempDir
    Path store;

    @Test
    void shouldServeAnOnnxExportWithExternalWeightsAndReproducePyTorchsGreedyTokens() throws Exception {
        HfFixtures.copyInto("llama3-onnx", store, "llama3", "main");
        JsonNode expected = HfFixtures.expected("llama3-onnx");
        int[] prompt = HfFixtures.ints(expected.get("prompt_ids"));
        int[] greedy = HfFixtures.ints(expected.get("greedy_ids"));
        ModelPackage pkg = new ModelStore(store).openLatest("llama3").orElseThrow();
        assertThat(pkg.format()).isEqualTo(SourceFormat.ONNX);
        assertThat(pkg.modelFile()).isEqualTo(pkg.dir().resolve("onnx/model.onnx"));
        assertThat(pkg.dir().resolve("onnx/model.onnx_data")).isRegularFile();

        try (OnnxDecoder decoder = ServedDecoders.open(pkg, DecoderOptions.cpu(1))) {
            RecordingSink sink = new RecordingSink();
            InferenceEngine engine = new InferenceEngine("llama3", decoder, new EngineSettings(2, 1 << 24, 4, 0), sink);
            int[] stops = pkg.decoderConfig().eosTokenIds().stream().mapToInt(Integer::intValue).toArray();
            assertThat(stops).containsExactly(457, 464, 465);
            engine.submit(EngineRequest.greedy("r", prompt, greedy.length, stops));
            for (int i = 0; i <= greedy.length && sink.finish("r") == null; i++) {
                engine.runStep();
            }

            assertThat(sink.tokens("r")).containsExactlyElementsOf(Arrays.stream(greedy).boxed().toList());
            assertThat(sink.finish("r").reason()).isEqualTo(FinishReason.LENGTH);

            int[] sequence = new int[prompt.length + greedy.length - 1];
            System.arraycopy(prompt, 0, sequence, 0, prompt.length);
            System.arraycopy(greedy, 0, sequence, prompt.length, greedy.length - 1);
            float[][] logits = decoder.step(List.of(decoder.newCache(sequence.length)), List.of(sequence), true)[0];
            JsonNode rows = expected.get("logits");
            double worst = 0;
            for (int r = 0; r < rows.size(); r++) {
                float[] row = logits[prompt.length - 1 + r];
                for (int v = 0; v < row.length; v++) {
                    worst = Math.max(worst, Math.abs(row[v] - rows.get(r).get(v).asDouble()));
                }
            }
            assertThat(rows.size()).isEqualTo(greedy.length);
            assertThat(worst).isLessThanOrEqualTo(LOGIT_TOLERANCE);
        }
        assertThat(Files.exists(pkg.dir().resolve(".llm-platform"))).as("a float32 export needs no copy").isFalse();
    }
}
