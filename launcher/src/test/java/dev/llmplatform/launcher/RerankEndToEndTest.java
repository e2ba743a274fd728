package dev.llmplatform.launcher;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.launcher.models.PretrainedEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code /v1/rerank} and {@code /v1/score} through the whole platform (one start): the gateway embeds
 * the texts through tokenizer and inference with the pretrained all-MiniLM-L6-v2 and scores by cosine.
 * The labelled set is written for this test: a query and eight documents, three of them relevant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RerankEndToEndTest {

    private static final String ENCODER = PretrainedEncoder.NAME;
    private static final String QUERY = "How do I take care of a new puppy?";
    private static final List<String> DOCUMENTS = List.of(
            "The central bank raised interest rates by a quarter of a percentage point.",
            "Feed your puppy small meals several times a day and take it to the vet for its vaccinations.",
            "Preheat the oven to 200 degrees and bake the bread for forty minutes.",
            "The football match ended in a draw after extra time.",
            "Young dogs need daily walks, chew toys and plenty of sleep.",
            "Photosynthesis turns sunlight into chemical energy in the leaves of plants.",
            "House-training a puppy takes patience and a regular schedule of trips outside.",
            "The new smartphone has a faster processor and a larger screen.");
    private static final List<Integer> RELEVANT = List.of(1, 4, 6);

    private PlatformUnderTest platform;

    @BeforeAll
    void startPlatform() {
        platform = PlatformUnderTest.start(null, Map.of());
    }

    @AfterAll
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldRankTheRelevantDocumentsFirst() {
        JsonNode body = json(platform.post("/v1/rerank", """
                {"model":"%s","query":"%s","documents":%s}""".formatted(ENCODER, QUERY, jsonList(DOCUMENTS))), 200);

        assertThat(body.get("id").asString()).startsWith("rerank-");
        assertThat(body.get("model").asString()).isEqualTo(ENCODER);
        JsonNode results = body.get("results");
        assertThat(results.size()).isEqualTo(DOCUMENTS.size());
        List<Integer> order = results.valueStream().map(r -> r.get("index").asInt()).toList();
        assertThat(order.subList(0, RELEVANT.size())).as("ranking %s", results).containsExactlyInAnyOrderElementsOf(RELEVANT);
        for (int i = 0; i < results.size(); i++) {
            JsonNode result = results.get(i);
            assertThat(result.at("/document/text").asString()).isEqualTo(DOCUMENTS.get(result.get("index").asInt()));
            if (i > 0) {
                assertThat(result.get("relevance_score").asDouble())
                        .isLessThanOrEqualTo(results.get(i - 1).get("relevance_score").asDouble());
            }
        }
        double weakestRelevant = results.get(RELEVANT.size() - 1).get("relevance_score").asDouble();
        double strongestOther = results.get(RELEVANT.size()).get("relevance_score").asDouble();
        assertThat(weakestRelevant).as("margin between relevant and other documents").isGreaterThan(strongestOther + 0.2);
        assertThat(body.at("/usage/total_tokens").asInt()).isGreaterThan((DOCUMENTS.size() + 1) * 2);
    }

    @Test
    void shouldTakeDocumentObjectsAndCutToTopN() {
        String objects = DOCUMENTS.stream().map(d -> "{\"text\":\"" + d + "\"}").collect(Collectors.joining(",", "[", "]"));
        JsonNode body = json(platform.post("/v1/rerank", """
                {"model":"%s","query":"%s","documents":%s,"top_n":2,"return_documents":false}"""
                .formatted(ENCODER, QUERY, objects)), 200);

        assertThat(body.get("results").size()).isEqualTo(2);
        assertThat(body.get("results").valueStream().map(r -> r.get("index").asInt())).isSubsetOf(RELEVANT);
        assertThat(body.get("results").get(0).has("document")).isFalse();
    }

    @Test
    void shouldScoreAsTheCosineOfTheEmbeddingsEndpointsVectors() {
        List<String> texts = List.of(QUERY, DOCUMENTS.get(1), DOCUMENTS.get(0), DOCUMENTS.get(4));
        JsonNode embedded = json(platform.post("/v1/embeddings",
                "{\"model\":\"%s\",\"input\":%s}".formatted(ENCODER, jsonList(texts))), 200).get("data");
        float[][] v = new float[texts.size()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = floats(embedded.get(i).get("embedding"));
        }

        JsonNode oneToMany = json(platform.post("/v1/score", "{\"model\":\"%s\",\"text_1\":\"%s\",\"text_2\":%s}"
                .formatted(ENCODER, QUERY, jsonList(texts.subList(1, 4)))), 200);
        assertThat(oneToMany.get("object").asString()).isEqualTo("list");
        JsonNode data = oneToMany.get("data");
        assertThat(data.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(data.get(i).get("index").asInt()).isEqualTo(i);
            assertThat(data.get(i).get("object").asString()).isEqualTo("score");
            assertThat(data.get(i).get("score").asDouble()).as("query · text %d", i + 1)
                    .isCloseTo(cosine(v[0], v[i + 1]), within(1e-4));
        }
        assertThat(oneToMany.at("/usage/prompt_tokens").asInt()).isPositive()
                .isEqualTo(oneToMany.at("/usage/total_tokens").asInt());

        JsonNode pairwise = json(platform.post("/v1/score", "{\"model\":\"%s\",\"text_1\":%s,\"text_2\":%s}"
                .formatted(ENCODER, jsonList(List.of(texts.get(0), texts.get(2))),
                        jsonList(List.of(texts.get(1), texts.get(3))))), 200).get("data");
        assertThat(pairwise.get(0).get("score").asDouble()).isCloseTo(cosine(v[0], v[1]), within(1e-4));
        assertThat(pairwise.get(1).get("score").asDouble()).isCloseTo(cosine(v[2], v[3]), within(1e-4));
    }

    @Test
    void shouldRefuseADecoderAndNameTheDocumentTheTokenizerFoundTooLong() {
        JsonNode decoder = json(platform.post("/v1/rerank", "{\"model\":\"%s\",\"query\":\"q\",\"documents\":[\"a\"]}"
                .formatted(DefaultModels.DEFAULT_MODEL)), 400);
        assertThat(decoder.at("/error/param").asString()).isEqualTo("model");
        assertThat(decoder.at("/error/message").asString()).contains("does not support rerank");

        // counted by the tokenizer-service, refused on the gateway's reply partition
        JsonNode tooLong = json(platform.post("/v1/rerank", "{\"model\":\"%s\",\"query\":\"q\",\"documents\":[\"a\",\"%s\"]}"
                .formatted(ENCODER, "word ".repeat(600))), 400);
        assertThat(tooLong.at("/error/param").asString()).isEqualTo("documents[1]");
        assertThat(tooLong.at("/error/message").asString()).contains("the documents[1] has");
    }

    @Test
    void shouldListWhichEndpointsServeEachModel() {
        JsonNode models = json(platform.get("/v1/models"), 200).get("data");
        Map<String, List<String>> capabilities = models.valueStream().collect(Collectors.toMap(
                m -> m.get("id").asString(),
                m -> m.get("capabilities").valueStream().map(JsonNode::asString).toList()));

        assertThat(capabilities.get(ENCODER)).containsExactly("embeddings", "rerank", "score");
        assertThat(capabilities.get(DefaultModels.DEFAULT_MODEL)).containsExactly("completions", "chat");
    }

    private static String jsonList(List<String> texts) {
        return texts.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    private static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Messages.mapper().readTree(response.body());
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }
}
