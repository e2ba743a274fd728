package dev.llmplatform.inference.analysis;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.testing.TinyLlama;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Answers to analysis requests from a store holding an encoder and decoders with and without attention outputs. */
class AnalysisServiceTest {

    private static final ReplyTo REPLY = new ReplyTo(Topics.GENERATION_EVENTS.name(), 0);
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    static Path store;
    private static AnalysisModels models;
    private static AnalysisService service;

    @BeforeAll
    static void writeStore() {
        ModelStore modelStore = new ModelStore(store);
        ModelPackageWriter.write(modelStore, "encoder", "1", "encoder", 22_000_000, null, Map.of(), "MiniLM", dir -> {
            Files.copy(MiniLm.files().resolve("model.onnx"), dir.resolve(ModelPackage.MODEL), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve(ModelPackage.CONFIG), "{\"model_type\":\"bert\",\"max_position_embeddings\":384}");
        });
        writeDecoder(modelStore, "tiny-attn", new LlamaOnnxWriter.Options(true));
        writeDecoder(modelStore, "tiny-plain", LlamaOnnxWriter.Options.DEFAULT);
        models = new AnalysisModels(modelStore, DecoderOptions.cpu(1));
        service = new AnalysisService(models, InstantSource.fixed(NOW));
    }

    private static void writeDecoder(ModelStore modelStore, String name, LlamaOnnxWriter.Options options) {
        ModelPackageWriter.write(modelStore, name, "1", "decoder", 1, null, Map.of(), "tiny", dir -> {
            LlamaOnnxWriter.write(TinyLlama.WEIGHTS, dir.resolve(ModelPackage.MODEL), options);
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), TinyLlama.CONFIG);
        });
    }

    @AfterAll
    static void closeModels() {
        models.close();
    }

    @Test
    void shouldAnswerEmbeddingsWithOneUnitVectorPerInputAndTheTokenCount() {
        var request = embed("encoder", List.of(ids(MiniLm.encode("first text")), ids(MiniLm.encode("second"))));

        var answer = (GenerationEvent.Embeddings) service.answer(request).orElseThrow();

        assertThat(answer.requestId()).isEqualTo("req-1");
        assertThat(answer.vectors()).hasNumberOfRows(2);
        assertThat(EncoderSessionTest.dot(answer.vectors()[1], answer.vectors()[1])).isCloseTo(1.0, within(1e-5));
        assertThat(answer.promptTokens()).isEqualTo(request.tokenCount());
    }

    @Test
    void shouldRefuseEmbeddingsFromADecoderAndInputsPastTheEncodersPositions() {
        assertFailed(service.answer(embed("tiny-attn", List.of(List.of(1, 2, 3)))), 400, "does not support embeddings");
        // the limit is the package's max_position_embeddings (written as 384 here, not BERT's 512)
        List<Integer> tooLong = Collections.nCopies(385, 1000);
        assertFailed(service.answer(embed("encoder", List.of(List.of(101, 102), tooLong))), 400,
                "maximum context length is 384 tokens, but the input[1] has 385");
    }

    @Test
    void shouldAnswerABidirectionalMapFromTheEncoderAndACausalOneFromADecoder() {
        var encoder = (GenerationEvent.Attention) service.answer(attend("encoder", 101, 7592, 2088, 102)).orElseThrow();
        var decoder = (GenerationEvent.Attention) service.answer(attend("tiny-attn", 1, 2, 3)).orElseThrow();

        assertThat(encoder.causal()).isFalse();
        assertThat(encoder.layers()).isEqualTo(6);
        assertThat(encoder.heads()).isEqualTo(12);
        assertThat(encoder.weights()[0][0][0][3]).isGreaterThan(0f);
        assertThat(encoder.tokens()).containsExactly("t0", "t1", "t2", "t3");
        assertThat(decoder.causal()).isTrue();
        assertThat(decoder.layers()).isEqualTo(TinyLlama.CONFIG.layers());
        assertThat(decoder.heads()).isEqualTo(TinyLlama.CONFIG.heads());
        assertThat(decoder.weights()[1][2][0][2]).isZero();
        assertThat(decoder.tokenIds()).containsExactly(1, 2, 3);
    }

    @Test
    void shouldRefuseAttentionFromADecoderWithoutAttentionOutputs() {
        assertFailed(service.answer(attend("tiny-plain", 1, 2, 3)), 400, "has no attention outputs");
    }

    @Test
    void shouldAnswerAnUnknownModelWithNotFound() {
        assertFailed(service.answer(attend("nope", 1, 2)), 404, "does not exist");
    }

    @Test
    void shouldSkipARequestWhoseCallerStoppedWaiting() {
        var late = new AnalysisRequest.Attend(1, "req-late", "tiny-attn", "1", List.of(1, 2), List.of("a", "b"),
                NOW.toEpochMilli() - 1, REPLY);

        assertThat(service.answer(late)).isEmpty();
    }

    @Test
    void shouldRefuseToScorePairsWithAModelThatIsNotACrossEncoder() {
        List<Integer> pair = ids(MiniLm.encode("a question"));
        for (String model : List.of("encoder", "tiny-plain")) {
            var request = new AnalysisRequest.Score(1, "req-s", model, "1", List.of(pair),
                    List.of(Collections.nCopies(pair.size(), 0)), 0, REPLY);

            var answer = (GenerationEvent.Failed) service.answer(request).orElseThrow();

            assertThat(answer.error().status()).isEqualTo(400);
            assertThat(answer.error().param()).isEqualTo("model");
            assertThat(answer.error().message()).contains("not a cross-encoder");
        }
    }

    private static AnalysisRequest.Embed embed(String model, List<List<Integer>> inputs) {
        return new AnalysisRequest.Embed(1, "req-1", model, "1", inputs, 0, REPLY);
    }

    private static List<Integer> ids(int[] ids) {
        return Arrays.stream(ids).boxed().toList();
    }

    private static AnalysisRequest.Attend attend(String model, int... ids) {
        List<Integer> tokenIds = ids(ids);
        List<String> tokens = java.util.stream.IntStream.range(0, ids.length).mapToObj(i -> "t" + i).toList();
        return new AnalysisRequest.Attend(1, "req-2", model, "1", tokenIds, tokens, NOW.toEpochMilli() + 60_000, REPLY);
    }

    private static void assertFailed(Optional<GenerationEvent> answer, int status, String message) {
        assertThat(answer).get().isInstanceOf(GenerationEvent.Failed.class);
        var failed = (GenerationEvent.Failed) answer.orElseThrow();
        assertThat(failed.error().status()).isEqualTo(status);
        assertThat(failed.error().message()).contains(message);
    }
}
