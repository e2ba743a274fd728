package dev.llmplatform.launcher;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.launcher.models.PretrainedEncoder;
import dev.llmplatform.onnx.ClassificationHead;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Encoders users drop into a running platform's store as Optimum exports (no manifest.json): a cross-encoder
 * ({@code BertForSequenceClassification}, one label) serves {@code /v1/rerank} and {@code /v1/score} with
 * sigmoid(logit) of each pair, and a bi-encoder ({@code BertModel}) serves {@code /v1/embeddings}. The
 * cross-encoder is all-MiniLM-L6-v2 with a linear head on [CLS] ({@link ClassificationHead}, seeded weights), so
 * the test recomputes every expected score itself: the pair encoded by the tokenizer's own pair template, run
 * through the unmodified encoder graph, the head applied in Java to the [CLS] hidden state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossEncoderEndToEndTest {

    private static final String RERANKER = "minilm-reranker";
    private static final String BI_ENCODER = "my-minilm";
    private static final int HIDDEN = 384;
    private static final String QUERY = "How do I take care of a new puppy?";
    private static final List<String> DOCUMENTS = List.of(
            "Feed your puppy small meals several times a day.",
            "The central bank raised interest rates.",
            "Young dogs need daily walks, chew toys and plenty of sleep.",
            "Bake the bread for forty minutes.");

    private final float[] weight = new float[HIDDEN];
    private final float bias = 0.1f;
    private PlatformUnderTest platform;
    private Path store;
    private Path encoderGraph;
    private HuggingFaceTokenizer tokenizer;
    private OrtSession encoder;

    @BeforeAll
    void start() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < HIDDEN; i++) {
            weight[i] = (float) (2 * random.nextGaussian() / Math.sqrt(HIDDEN));
        }
        Path dataDir = Files.createTempDirectory("llm-platform-cross-encoder-");
        Path staging = Files.createDirectories(dataDir.resolve("staging"));
        encoderGraph = staging.resolve("minilm.onnx");
        Path tokenizerJson = staging.resolve("tokenizer.json");
        copyResource("all-minilm-l6-v2.onnx", encoderGraph);
        copyResource("all-minilm-l6-v2-tokenizer.json", tokenizerJson);
        tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
        encoder = OrtEnvironment.getEnvironment().createSession(encoderGraph.toString());
        platform = PlatformUnderTest.start(dataDir, null, Map.of());
        store = dataDir.resolve("models");
    }

    @AfterAll
    void stop() throws OrtException {
        if (platform != null) {
            platform.close();
        }
        if (encoder != null) {
            encoder.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void shouldRerankAndScoreWithADroppedInCrossEncoderAsTheSigmoidOfItsHead() throws Exception {
        OnnxMl.ModelProto graph = ClassificationHead.add(OnnxMl.ModelProto.parseFrom(Files.readAllBytes(encoderGraph)),
                "last_hidden_state", weight, bias);
        Map<String, Object> config = bertConfig("BertForSequenceClassification");
        config.put("num_labels", 1);
        dropIn(RERANKER, graph.toByteArray(), config);
        JsonNode card = awaitReady(RERANKER);

        assertThat(card.get("kind").asString()).isEqualTo("cross-encoder");
        assertThat(strings(card.get("capabilities"))).containsExactly("rerank", "score");
        assertThat(card.get("architecture").asString()).isEqualTo("BertForSequenceClassification");

        JsonNode reranked = json(platform.post("/v1/rerank", Messages.toJson(Map.of(
                "model", RERANKER, "query", QUERY, "documents", DOCUMENTS))), 200);
        JsonNode results = reranked.get("results");
        assertThat(results.size()).isEqualTo(DOCUMENTS.size());
        int tokens = 0;
        for (int i = 0; i < results.size(); i++) {
            JsonNode result = results.get(i);
            int index = result.get("index").asInt();
            assertThat(result.get("relevance_score").asDouble()).as("document %d", index)
                    .isCloseTo(expected(QUERY, DOCUMENTS.get(index)), within(1e-4));
            if (i > 0) {
                assertThat(result.get("relevance_score").asDouble())
                        .isLessThanOrEqualTo(results.get(i - 1).get("relevance_score").asDouble());
            }
            tokens += tokenizer.encode(QUERY, DOCUMENTS.get(index), true, false).getIds().length;
        }
        assertThat(reranked.at("/usage/total_tokens").asInt()).isEqualTo(tokens);

        JsonNode oneToMany = json(platform.post("/v1/score", Messages.toJson(Map.of(
                "model", RERANKER, "text_1", QUERY, "text_2", DOCUMENTS.subList(0, 2)))), 200).get("data");
        assertThat(oneToMany.get(0).get("score").asDouble()).isCloseTo(expected(QUERY, DOCUMENTS.get(0)), within(1e-4));
        assertThat(oneToMany.get(1).get("score").asDouble()).isCloseTo(expected(QUERY, DOCUMENTS.get(1)), within(1e-4));
        JsonNode pairwise = json(platform.post("/v1/score", Messages.toJson(Map.of(
                "model", RERANKER, "text_1", List.of(DOCUMENTS.get(2), QUERY), "text_2", List.of(QUERY, DOCUMENTS.get(3))))),
                200).get("data");
        assertThat(pairwise.get(0).get("score").asDouble()).isCloseTo(expected(DOCUMENTS.get(2), QUERY), within(1e-4));
        assertThat(pairwise.get(1).get("score").asDouble()).isCloseTo(expected(QUERY, DOCUMENTS.get(3)), within(1e-4));

        JsonNode noEmbeddings = json(platform.post("/v1/embeddings", Messages.toJson(Map.of(
                "model", RERANKER, "input", "x"))), 400);
        assertThat(noEmbeddings.at("/error/message").asString()).contains("cross-encoder");
    }

    @Test
    void shouldListADroppedInBiEncoderExportAsAnEncoderAndEmbedAsTheShippedOneDoes() throws IOException {
        dropIn(BI_ENCODER, Files.readAllBytes(encoderGraph), bertConfig("BertModel"));
        JsonNode card = awaitReady(BI_ENCODER);

        assertThat(card.get("kind").asString()).isEqualTo("encoder");
        assertThat(card.get("source_format").asString()).isEqualTo("onnx");
        assertThat(strings(card.get("capabilities"))).containsExactly("embeddings", "rerank", "score");
        String body = "{\"model\":\"%s\",\"input\":[\"" + QUERY + "\",\"" + DOCUMENTS.get(2) + "\"]}";
        JsonNode mine = json(platform.post("/v1/embeddings", body.formatted(BI_ENCODER)), 200).get("data");
        JsonNode shipped = json(platform.post("/v1/embeddings", body.formatted(PretrainedEncoder.NAME)), 200).get("data");
        for (int i = 0; i < 2; i++) {
            JsonNode a = mine.get(i).get("embedding");
            JsonNode b = shipped.get(i).get("embedding");
            assertThat(a.size()).isEqualTo(HIDDEN);
            for (int d = 0; d < HIDDEN; d++) {
                assertThat(a.get(d).asDouble()).isCloseTo(b.get(d).asDouble(), within(1e-5));
            }
        }
    }

    /** sigmoid(w · h[CLS] + b), h from the unmodified encoder on the tokenizer's pair encoding. */
    private double expected(String first, String second) throws OrtException {
        Encoding encoding = tokenizer.encode(first, second, true, false);
        long[] ids = encoding.getIds();
        long[] types = encoding.getTypeIds();
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        long[] shape = {1, ids.length};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor inputIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor attention = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor typeIds = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
             OrtSession.Result result = encoder.run(Map.of("input_ids", inputIds, "attention_mask", attention,
                     "token_type_ids", typeIds))) {
            FloatBuffer hidden = ((OnnxTensor) result.get("last_hidden_state").orElseThrow()).getFloatBuffer();
            double logit = bias;
            for (int d = 0; d < HIDDEN; d++) {
                logit += (double) weight[d] * hidden.get(d);   // position 0 of sequence 0: [CLS]
            }
            return 1 / (1 + Math.exp(-logit));
        }
    }

    /** Hugging Face's config.json of a MiniLM-L6 BERT with the given architecture. */
    private static Map<String, Object> bertConfig(String architecture) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architectures", List.of(architecture));
        config.put("model_type", "bert");
        config.put("hidden_size", HIDDEN);
        config.put("num_hidden_layers", 6);
        config.put("num_attention_heads", 12);
        config.put("intermediate_size", 1536);
        config.put("vocab_size", 30522);
        config.put("max_position_embeddings", 512);
        config.put("type_vocab_size", 2);
        return config;
    }

    /** Writes the folder straight into the store, file by file, as a user copies an export (no manifest.json). */
    private void dropIn(String name, byte[] graph, Map<String, Object> config) throws IOException {
        Path dir = Files.createDirectories(store.resolve(name).resolve("1"));
        Files.writeString(dir.resolve("config.json"), Messages.toJson(config));
        Files.copy(encoderGraph.resolveSibling("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"tokenizer_class":"BertTokenizer","do_lower_case":true,"model_max_length":512}""");
        Files.write(dir.resolve("model.onnx"), graph);
    }

    private JsonNode awaitReady(String name) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> platform.get("/v1/models/" + name).statusCode() == 200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                List.of("ready", "failed").contains(card(name).path("state").asString()));
        JsonNode card = card(name);
        assertThat(card.path("state").asString()).as(card.toString()).isEqualTo("ready");
        return card;
    }

    private JsonNode card(String name) {
        return Messages.mapper().readTree(platform.get("/v1/models/" + name).body());
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    private static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Messages.mapper().readTree(response.body());
    }

    private static void copyResource(String name, Path target) {
        try (InputStream in = CrossEncoderEndToEndTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test classpath");
            }
            Files.copy(in, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
