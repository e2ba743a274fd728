package dev.llmplatform.inference.analysis;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.onnx.ClassificationHead;
import dev.llmplatform.onnx.GraphOutputs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A cross-encoder made from all-MiniLM-L6-v2 with a linear head on [CLS]: the session's logit of each pair
 * equals the head applied to the plain encoder's own hidden state at [CLS] for that pair, in padded batches.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossEncoderSessionTest {

    private static final int HIDDEN = 384;

    private final float[] weight = new float[HIDDEN];
    private final float bias = 0.25f;
    private EncoderSession crossEncoder;
    private HuggingFaceTokenizer tokenizer;

    @BeforeAll
    void build(@TempDir Path dir) throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < HIDDEN; i++) {
            weight[i] = (float) (random.nextGaussian() / Math.sqrt(HIDDEN));
        }
        OnnxMl.ModelProto encoder = GraphOutputs.read(MiniLm.files().resolve("model.onnx"));
        Path graph = dir.resolve("model.onnx");
        Files.write(graph, ClassificationHead.add(encoder, EncoderSession.LAST_HIDDEN_STATE, weight, bias).toByteArray());
        crossEncoder = EncoderSession.open(graph, DecoderOptions.cpu(2));
        tokenizer = HuggingFaceTokenizer.newInstance(MiniLm.files().resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
    }

    @AfterAll
    void close() {
        crossEncoder.close();
        tokenizer.close();
    }

    @Test
    void shouldScoreEachPairAsTheHeadOfTheEncodersClsStateInOnePaddedBatch() throws Exception {
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < 18; i++) {   // two runs (16 + 2), pairs of different lengths padded inside a run
            pairs.add(new String[]{"How do I care for a puppy?", "Dogs need walks. ".repeat(1 + i % 5) + i});
        }
        List<int[]> ids = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        for (String[] pair : pairs) {
            Encoding encoding = tokenizer.encode(pair[0], pair[1], true, false);
            ids.add(Arrays.stream(encoding.getIds()).mapToInt(Math::toIntExact).toArray());
            types.add(Arrays.stream(encoding.getTypeIds()).mapToInt(Math::toIntExact).toArray());
        }

        float[] logits = crossEncoder.logits(ids, types);

        assertThat(logits).hasSize(pairs.size());
        try (OrtSession plain = OrtEnvironment.getEnvironment().createSession(MiniLm.files().resolve("model.onnx").toString())) {
            for (int i = 0; i < pairs.size(); i++) {
                float[] cls = clsState(plain, ids.get(i), types.get(i));
                double expected = bias;
                for (int d = 0; d < HIDDEN; d++) {
                    expected += (double) weight[d] * cls[d];
                }
                assertThat((double) logits[i]).as("pair %d", i).isCloseTo(expected, within(1e-4));
            }
        }
        assertThat(logits[0]).isNotEqualTo(logits[1]);
    }

    @Test
    void shouldReadTheSecondSegmentsTokenTypes() {
        Encoding encoding = tokenizer.encode("a question", "an answer", true, false);
        int[] ids = Arrays.stream(encoding.getIds()).mapToInt(Math::toIntExact).toArray();
        int[] types = Arrays.stream(encoding.getTypeIds()).mapToInt(Math::toIntExact).toArray();

        float[] asPair = crossEncoder.logits(List.of(ids), List.of(types));
        float[] oneSegment = crossEncoder.logits(List.of(ids), List.of(new int[ids.length]));

        assertThat(types).contains(1);
        assertThat(asPair[0]).isNotCloseTo(oneSegment[0], within(1e-4f));
    }

    /** {@code last_hidden_state[0, 0, :]} of the unmodified encoder for one sequence. */
    private static float[] clsState(OrtSession plain, int[] ids, int[] types) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = {1, ids.length};
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        try (OnnxTensor inputIds = OnnxTensor.createTensor(env, LongBuffer.wrap(Arrays.stream(ids).asLongStream().toArray()), shape);
             OnnxTensor attention = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor typeIds = OnnxTensor.createTensor(env, LongBuffer.wrap(Arrays.stream(types).asLongStream().toArray()), shape);
             OrtSession.Result result = plain.run(Map.of("input_ids", inputIds, "attention_mask", attention,
                     "token_type_ids", typeIds))) {
            FloatBuffer hidden = ((OnnxTensor) result.get(EncoderSession.LAST_HIDDEN_STATE).orElseThrow()).getFloatBuffer();
            float[] cls = new float[HIDDEN];
            hidden.get(cls);
            return cls;
        }
    }
}
