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

/** A smoke test of the benchmark harness on a tiny model; it times nothing and asserts no speed. */
class StreamRecorderTest {

    @Test
    void shouldTakePercentilesByRank() {
        List<Double> values = List.of(5.0, 1.0, 4.0, 2.0, 3.0);

        assertThat(StreamRecorder.percentile(values, 50)).isEqualTo(3.0);
        assertThat(StreamRecorder.percentile(values, 99)).isEqualTo(5.0);
        assertThat(StreamRecorder.percentile(List.of(), 50)).isNaN();
    }

    @Test
    void shouldRecordEveryTokenOfConcurrentStreamsThroughTheEngine() throws Exception {
        ModelConfig config = ModelConfig.llama(1, 2, 2, 16, 32, 40, 64, 1, 2, true);
        byte[] model = LlamaOnnxWriter.toBytes(RandomLlama.create(config, 1),
                LlamaOnnxWriter.Options.quantized(WeightQuantization.NONE));

        try (OnnxDecoder decoder = OnnxDecoder.fromBytes(model, config, DecoderOptions.cpu(1))) {
            StreamRecorder.Summary s = EngineBench.run(decoder, 3, 5, 4, 7);

            assertThat(s.streams()).isEqualTo(3);
            assertThat(s.tokens()).isEqualTo(3 * 4);
            assertThat(s.ttftP50()).isPositive();
            assertThat(s.itlP99()).isGreaterThanOrEqualTo(s.itlP50());
            assertThat(s.aggregateTps()).isPositive();
        }
    }
}
