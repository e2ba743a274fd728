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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Embeddings and attention maps through the whole platform (one start): HTTP → gateway → tokenizer →
 * inference over the in-process broker, answered on the gateway's reply partition. The encoder is the
 * pretrained all-MiniLM-L6-v2 the launcher installs at first start. An unreadable analysis request
 * goes to its dead-letter topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalysisEndToEndTest {

    private static final String ENCODER = PretrainedEncoder.NAME;
    private static final String DECODER = DefaultModels.DEFAULT_MODEL;

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
    void shouldListThePretrainedEncoderAsAnEncoderModel() {
        JsonNode models = json(platform.get("/v1/models"), 200).get("data");

        assertThat(models.valueStream().filter(m -> m.get("id").asString().equals(ENCODER)))
                .singleElement().satisfies(m -> assertThat(m.get("kind").asString()).isEqualTo("encoder"));
    }

    @Test
    void shouldEmbedSentencesWithRealSemantics() {
        JsonNode body = json(platform.post("/v1/embeddings", """
                {"model":"%s","input":["A dog is running in the park","A puppy plays outside",
                 "The stock market fell today"]}""".formatted(ENCODER)), 200);

        assertThat(body.get("object").asString()).isEqualTo("list");
        assertThat(body.get("model").asString()).isEqualTo(ENCODER);
        JsonNode data = body.get("data");
        float[][] v = new float[3][];
        for (int i = 0; i < 3; i++) {
            assertThat(data.get(i).get("index").asInt()).isEqualTo(i);
            assertThat(data.get(i).get("object").asString()).isEqualTo("embedding");
            v[i] = floats(data.get(i).get("embedding"));
            assertThat(v[i]).hasSize(384);
            assertThat(dot(v[i], v[i])).isCloseTo(1.0, within(1e-4));
        }
        assertThat(dot(v[0], v[1])).isGreaterThan(dot(v[0], v[2]) + 0.2);
        assertThat(body.at("/usage/prompt_tokens").asInt()).isGreaterThan(3 * 2)
                .isEqualTo(body.at("/usage/total_tokens").asInt());
    }

    @Test
    void shouldDrawABidirectionalMapForTheEncoder() {
        JsonNode body = json(platform.post("/v1/attention",
                "{\"model\":\"%s\",\"prompt\":\"The cat sat on the mat\"}".formatted(ENCODER)), 200);

        assertThat(body.get("kind").asString()).isEqualTo("encoder");
        assertThat(body.get("causal").asBoolean()).isFalse();
        assertThat(body.get("layers").asInt()).isEqualTo(6);
        assertThat(body.get("heads").asInt()).isEqualTo(12);
        assertThat(body.get("tokens").valueStream().map(JsonNode::asString))
                .containsExactly("[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]");
        assertThat(body.get("token_ids").get(0).asInt()).isEqualTo(101);
        double right = 0;
        for (JsonNode layer : body.get("attention")) {
            for (JsonNode head : layer) {
                right += checkRowsAndSumRightOfQuery(head, 8);
            }
        }
        assertThat(right).as("weight on keys right of their query").isGreaterThan(1.0);
    }

    @Test
    void shouldDrawACausalMapForTheDefaultDecoder() {
        JsonNode body = json(platform.post("/v1/attention",
                "{\"model\":\"%s\",\"prompt\":\"The cat sat on the mat\"}".formatted(DECODER)), 200);

        assertThat(body.get("kind").asString()).isEqualTo("decoder");
        assertThat(body.get("causal").asBoolean()).isTrue();
        int n = body.get("tokens").size();
        assertThat(body.get("token_ids").size()).isEqualTo(n).isGreaterThan(1);
        assertThat(body.get("attention").size()).isEqualTo(body.get("layers").asInt());
        for (JsonNode layer : body.get("attention")) {
            assertThat(layer.size()).isEqualTo(body.get("heads").asInt());
            for (JsonNode head : layer) {
                assertThat(checkRowsAndSumRightOfQuery(head, n)).isZero();
            }
        }
    }

    @Test
    void shouldRefuseEmbeddingsFromADecoderAndAnAttentionPromptOverSixtyFourTokens() {
        JsonNode decoder = json(platform.post("/v1/embeddings",
                "{\"model\":\"%s\",\"input\":\"hello\"}".formatted(DECODER)), 400);
        assertThat(decoder.at("/error/message").asString()).contains("does not support embeddings");
        assertThat(decoder.at("/error/param").asString()).isEqualTo("model");

        // counted by the tokenizer-service, refused on the gateway's reply partition
        JsonNode tooLong = json(platform.post("/v1/attention",
                "{\"model\":\"%s\",\"prompt\":\"%s\"}".formatted(ENCODER, "word ".repeat(70))), 400);
        assertThat(tooLong.at("/error/message").asString()).contains("at most 64 tokens");
    }

    /**
     * Poison on every consumed topic (the analysis topic among them): dead-lettered once per consumer group,
     * counted, and the platform still serves after each record. Here because this class starts a plain
     * platform anyway.
     */
    @Test
    void shouldDeadLetterPoisonOnEveryTopicOncePerGroupCountItAndKeepServing() throws Exception {
        PoisonOnEveryTopic poison = new PoisonOnEveryTopic(platform);
        poison.run(30);
        System.out.println("poison records sent, per topic and kind (each dead-lettered and counted): " + poison.sent);
    }

    /** Checks every row sums to 1 (4-decimal rounding aside) and returns the weight right of the diagonal. */
    private static double checkRowsAndSumRightOfQuery(JsonNode head, int n) {
        assertThat(head.size()).isEqualTo(n);
        double right = 0;
        for (int q = 0; q < n; q++) {
            JsonNode row = head.get(q);
            assertThat(row.size()).isEqualTo(n);
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += row.get(k).asDouble();
                if (k > q) {
                    right += row.get(k).asDouble();
                }
            }
            assertThat(sum).isCloseTo(1.0, within(n * 5e-5 + 1e-5));
        }
        return right;
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

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
