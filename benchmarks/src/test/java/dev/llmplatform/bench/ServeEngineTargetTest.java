package dev.llmplatform.bench;

import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.onnx.WeightQuantization;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine side of a serving run on a tiny random model: every request gives exactly its output length. */
class ServeEngineTargetTest {

    @Test
    void shouldRunEveryRequestToItsOutputLengthWithOneChunkPerStep() throws Exception {
        ModelConfig config = ModelConfig.llama(1, 2, 2, 16, 32, 40, 64, 1, 2, true);
        byte[] model = LlamaOnnxWriter.toBytes(RandomLlama.create(config, 1),
                LlamaOnnxWriter.Options.quantized(WeightQuantization.NONE));
        List<ServeLoad.Request> requests = List.of(
                new ServeLoad.Request(null, new int[]{5, 6, 7}, 3, 6),
                new ServeLoad.Request(null, new int[]{8, 9}, 2, 6),
                new ServeLoad.Request(null, new int[]{10, 11, 12, 13}, 4, 6));

        try (OnnxDecoder decoder = OnnxDecoder.fromBytes(model, config, DecoderOptions.cpu(1));
             ServeEngineTarget engine = new ServeEngineTarget(decoder, 2, 8L << 20, 8, 0, config.eosTokenId())) {
            ServeLoad.Run run = ServeLoad.run(engine, requests, new double[3], 0);

            assertThat(run.outputs()).allMatch(ServeOutput::success);
            assertThat(run.outputs()).extracting(ServeOutput::outputTokens).containsOnly(6);
            assertThat(run.outputs()).extracting(ServeOutput::promptLen).containsExactly(3, 2, 4);
            assertThat(run.outputs()).allSatisfy(o -> assertThat(o.itl()).hasSize(5));
            ServeMetrics.Metrics m = ServeMetrics.calculate(run.outputs(), run.duration(), ServeSlos.NONE);
            assertThat(m.totalOutput()).isEqualTo(18);
        }
    }
}
