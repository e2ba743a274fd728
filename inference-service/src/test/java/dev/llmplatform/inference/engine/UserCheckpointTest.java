package dev.llmplatform.inference.engine;

import dev.llmplatform.convert.CheckpointConverter;
import dev.llmplatform.convert.ConversionProgress;
import dev.llmplatform.convert.WeightFormat;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.inference.engine.onnx.ServedDecoders;
import dev.llmplatform.inference.testing.HfFixtures;
import dev.llmplatform.model.ModelLayout;
import dev.llmplatform.model.ModelNotReadyException;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.SourceFormat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Hugging Face checkpoint dropped into the store: not servable until converted, then served from
 * {@code .llm-platform/onnx-fp32/} (the converter's output where {@link ModelLayout#convertedDir} says)
 * with the tokens PyTorch generated greedily, up to the first end-of-sequence id.
 */
class UserCheckpointTest {

    @TempDir
    Path store;

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "tinyllama", "smollm2", "mistral", "qwen2", "qwen3", "gpt2"})
    void shouldServeACheckpointOnceConvertedWithPyTorchsGreedyTokens(String name) throws IOException {
        Path dir = HfFixtures.copyInto(name, store, name, "main");
        Files.writeString(dir.resolve(ModelLayout.SETTINGS), "{\"weights\": \"fp32\"}");
        ModelPackage pkg = new ModelStore(store).openLatest(name).orElseThrow();
        assertThat(pkg.format()).isEqualTo(SourceFormat.SAFETENSORS);
        assertThatThrownBy(pkg::modelFile).isInstanceOf(ModelNotReadyException.class);

        new CheckpointConverter().convert(dir, pkg.layout().convertedDir("fp32"), WeightFormat.FP32, ConversionProgress.NONE);

        JsonNode expected = HfFixtures.expected(name);
        int[] prompt = HfFixtures.ints(expected.get("prompt_ids"));
        List<Integer> eos = pkg.decoderConfig().eosTokenIds();
        List<Integer> greedy = new ArrayList<>();
        for (int id : HfFixtures.ints(expected.get("greedy_ids"))) {
            if (eos.contains(id)) {
                break;
            }
            greedy.add(id);
        }
        assertThat(pkg.modelFile()).isEqualTo(dir.resolve(".llm-platform/onnx-fp32/model.onnx"));
        try (OnnxDecoder decoder = ServedDecoders.open(pkg, DecoderOptions.cpu(1))) {
            RecordingSink sink = new RecordingSink();
            InferenceEngine engine = new InferenceEngine(name, decoder, new EngineSettings(2, 1 << 24, 4, 0), sink);
            engine.submit(EngineRequest.greedy("r", prompt, expected.get("greedy_ids").size(),
                    eos.stream().mapToInt(Integer::intValue).toArray()));
            for (int i = 0; i <= expected.get("greedy_ids").size() && sink.finish("r") == null; i++) {
                engine.runStep();
            }
            assertThat(sink.tokens("r")).containsExactlyElementsOf(greedy);
        }
    }
}
