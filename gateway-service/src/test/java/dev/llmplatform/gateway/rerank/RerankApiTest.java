package dev.llmplatform.gateway.rerank;

import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.model.ModelKind;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.llmplatform.gateway.support.SliceTestBackend.ENCODER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code /v1/rerank} and {@code /v1/score} over the scripted back end, whose encoder gives input
 * {@code i} of each embed request the vector {@code [0.5, -0.25, i]}: so the cosine of input 0 with
 * input 1 is 0.48795, with input 2 0.26919, and of input 2 with input 3 0.99610.
 */
@WebFluxTest(controllers = RerankController.class,
        properties = {"spring.config.name=gateway", "llm.gateway.rerank.max-documents=100"})
@Import({SliceTestBackend.class, RerankService.class})
class RerankApiTest {

    private static final String RERANKER = "tiny-reranker";

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @Autowired
    ModelRegistry registry;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
        registry.register(new RegisteredModel(RERANKER, "1", ModelKind.CROSS_ENCODER, 22_000_000, 512, Double.NaN,
                1_700_000_000_000L, null));
    }

    @Test
    void shouldScoreEachPairWithACrossEncoderAsTheSigmoidOfItsLogit() {
        // the scripted cross-encoder gives pair i the logit i - 1: sigmoid(-1), sigmoid(0), sigmoid(1)
        post("/v1/rerank", """
                {"model":"tiny-reranker","query":"q","documents":["aa","b","q"]}""")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.results[0].index").isEqualTo(2)
                .jsonPath("$.results[0].relevance_score").value(near(0.73106))
                .jsonPath("$.results[1].index").isEqualTo(1)
                .jsonPath("$.results[1].relevance_score").value(near(0.5))
                .jsonPath("$.results[2].index").isEqualTo(0)
                .jsonPath("$.results[2].relevance_score").value(near(0.26894))
                .jsonPath("$.usage.total_tokens").isEqualTo((1 + 2 + 3) + (1 + 1 + 3) + (1 + 1 + 3));

        assertThat(backend.tokenizerRequests()).singleElement().satisfies(r -> {
            var score = (TokenizerRequest.Score) r;
            assertThat(score.queries()).containsExactly("q", "q", "q");
            assertThat(score.documents()).containsExactly("aa", "b", "q");
        });
    }

    @Test
    void shouldScoreCrossEncoderPairsPositionByPositionAndNameTheRefusedText() {
        post("/v1/score", """
                {"model":"tiny-reranker","text_1":["a","b"],"text_2":["c","d"]}""")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.data[0].score").value(near(0.26894))
                .jsonPath("$.data[1].score").value(near(0.5));
        assertThat(backend.tokenizerRequests()).singleElement().satisfies(r -> {
            assertThat(((TokenizerRequest.Score) r).queries()).containsExactly("a", "b");
            assertThat(((TokenizerRequest.Score) r).documents()).containsExactly("c", "d");
        });

        post("/v1/score", """
                {"model":"tiny-reranker","text_1":"a","text_2":["c","fail"]}""")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("text_2[1]");
    }

    @Test
    void shouldRankDocumentsBestFirstInJinasShapeEmbeddingEachDistinctTextOnce() {
        post("/v1/rerank", """
                {"model":"tiny-encoder","query":"q","documents":["aa","b",{"text":"q"}]}""")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").value(id -> assertThat((String) id).startsWith("rerank-"))
                .jsonPath("$.model").isEqualTo(ENCODER)
                .jsonPath("$.results.length()").isEqualTo(3)
                .jsonPath("$.results[0].index").isEqualTo(2)        // the query itself: cosine 1
                .jsonPath("$.results[0].relevance_score").value(near(1.0))
                .jsonPath("$.results[0].document.text").isEqualTo("q")
                .jsonPath("$.results[1].index").isEqualTo(0)
                .jsonPath("$.results[1].relevance_score").value(near(0.48795))
                .jsonPath("$.results[1].document.text").isEqualTo("aa")
                .jsonPath("$.results[2].index").isEqualTo(1)
                .jsonPath("$.results[2].relevance_score").value(near(0.26919))
                .jsonPath("$.usage.total_tokens").isEqualTo((1 + 2) + (2 + 2) + (1 + 2));   // q, aa, b

        assertThat(backend.tokenizerRequests()).singleElement()
                .satisfies(r -> assertThat(((TokenizerRequest.Embed) r).inputs()).containsExactly("q", "aa", "b"));
    }

    @Test
    void shouldCutToTopNAndLeaveDocumentsOutWhenAsked() {
        post("/v1/rerank", """
                {"model":"tiny-encoder","query":"q","documents":["aa","b"],"top_n":1,"return_documents":false}""")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.results.length()").isEqualTo(1)
                .jsonPath("$.results[0].index").isEqualTo(0)
                .jsonPath("$.results[0].document").doesNotExist();
        post("/v1/rerank", """
                {"model":"tiny-encoder","query":"q","documents":["aa","b"],"top_n":10}""")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.results.length()").isEqualTo(2);
    }

    @Test
    void shouldEmbedManyDocumentsInRequestsOfSixtyFourAndJoinThemInOrder() {
        String documents = IntStream.range(0, 100).mapToObj(i -> "\"d" + i + "\"").collect(Collectors.joining(","));

        post("/v1/rerank", "{\"model\":\"tiny-encoder\",\"query\":\"q\",\"documents\":[" + documents + "]}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.results.length()").isEqualTo(100)
                // text 64 (d63) opens the second request: the scripted encoder gives it the query's vector
                .jsonPath("$.results[0].index").isEqualTo(63)
                .jsonPath("$.results[0].relevance_score").value(near(1.0))
                .jsonPath("$.results[1].index").isEqualTo(0);

        assertThat(backend.tokenizerRequests()).hasSize(2);
        var first = (TokenizerRequest.Embed) backend.tokenizerRequests().get(0);
        var second = (TokenizerRequest.Embed) backend.tokenizerRequests().get(1);
        assertThat(first.inputs()).hasSize(64).startsWith("q", "d0");
        assertThat(second.inputs()).hasSize(37).startsWith("d63");
        assertThat(first.requestId()).endsWith("-0").isNotEqualTo(second.requestId());

        post("/v1/rerank", "{\"model\":\"tiny-encoder\",\"query\":\"q\",\"documents\":[" + documents + ",\"x\"]}")
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.param").isEqualTo("documents")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("at most 100 documents, got 101"));
    }

    @Test
    void shouldScoreOneAgainstManyInVllmsShape() {
        post("/v1/score", """
                {"model":"tiny-encoder","text_1":"a","text_2":["b","c","a"]}""")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").value(id -> assertThat((String) id).startsWith("score-"))
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.model").isEqualTo(ENCODER)
                .jsonPath("$.created").isNumber()
                .jsonPath("$.data.length()").isEqualTo(3)
                .jsonPath("$.data[0].object").isEqualTo("score")
                .jsonPath("$.data[0].index").isEqualTo(0)
                .jsonPath("$.data[0].score").value(near(0.48795))
                .jsonPath("$.data[1].score").value(near(0.26919))
                .jsonPath("$.data[2].index").isEqualTo(2)
                .jsonPath("$.data[2].score").value(near(1.0))
                .jsonPath("$.usage.prompt_tokens").isEqualTo(9)
                .jsonPath("$.usage.total_tokens").isEqualTo(9)
                .jsonPath("$.usage.completion_tokens").isEqualTo(0);
    }

    @Test
    void shouldScoreListsPositionByPositionAndASinglePair() {
        post("/v1/score", """
                {"model":"tiny-encoder","text_1":["a","b"],"text_2":["c","d"]}""")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.data.length()").isEqualTo(2)
                .jsonPath("$.data[0].score").value(near(0.48795))     // a·c: inputs 0 and 1
                .jsonPath("$.data[1].score").value(near(0.99610));    // b·d: inputs 2 and 3
        post("/v1/score", """
                {"model":"tiny-encoder","text_1":["a"],"text_2":"c"}""")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.data.length()").isEqualTo(1)
                .jsonPath("$.data[0].score").value(near(0.48795));
    }

    @Test
    void shouldPassOnWhatThePlatformRefuses() {
        post("/v1/rerank", "{\"model\":\"tiny-encoder\",\"query\":\"fail\",\"documents\":[\"x\"]}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").isEqualTo("scripted failure");
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            rerank | {"query":"q","documents":["a"]}                                          | 400 | model
            rerank | {"model":"no-such-model","query":"q","documents":["a"]}                  | 404 | model
            rerank | {"model":"tiny-llama","query":"q","documents":["a"]}                     | 400 | model
            rerank | {"model":"tiny-encoder","documents":["a"]}                               | 400 | query
            rerank | {"model":"tiny-encoder","query":"","documents":["a"]}                    | 400 | query
            rerank | {"model":"tiny-encoder","query":["q"],"documents":["a"]}                 | 400 | query
            rerank | {"model":"tiny-encoder","query":"q"}                                     | 400 | documents
            rerank | {"model":"tiny-encoder","query":"q","documents":[]}                      | 400 | documents
            rerank | {"model":"tiny-encoder","query":"q","documents":"a"}                     | 400 | documents
            rerank | {"model":"tiny-encoder","query":"q","documents":["a",""]}                | 400 | documents[1]
            rerank | {"model":"tiny-encoder","query":"q","documents":["a",7]}                 | 400 | documents[1]
            rerank | {"model":"tiny-encoder","query":"q","documents":[{"text":""}]}           | 400 | documents[0].text
            rerank | {"model":"tiny-encoder","query":"q","documents":[{}]}                    | 400 | documents[0].text
            rerank | {"model":"tiny-encoder","query":"q","documents":[{"text":"a","id":1}]}   | 400 | documents[0].id
            rerank | {"model":"tiny-encoder","query":"q","documents":["a"],"top_n":0}        | 400 | top_n
            rerank | {"model":"tiny-encoder","query":"q","documents":["a"],"top_n":-3}       | 400 | top_n
            rerank | {"model":"tiny-encoder","query":"q","documents":["a"],"top_n":"two"}    | 400 | top_n
            rerank | {"model":"tiny-encoder","query":"q","documents":["a"],"truncate_prompt_tokens":8} | 400 | truncate_prompt_tokens
            score  | {"text_1":"a","text_2":"b"}                                              | 400 | model
            score  | {"model":"tiny-llama","text_1":"a","text_2":"b"}                         | 400 | model
            score  | {"model":"tiny-encoder","text_2":"b"}                                    | 400 | text_1
            score  | {"model":"tiny-encoder","text_1":"a","text_2":[]}                        | 400 | text_2
            score  | {"model":"tiny-encoder","text_1":["a","b"],"text_2":["c"]}               | 400 | text_2
            score  | {"model":"tiny-encoder","text_1":["a","b"],"text_2":"c"}                 | 400 | text_2
            score  | {"model":"tiny-encoder","text_1":[1],"text_2":"c"}                       | 400 | text_1[0]
            score  | {"model":"tiny-encoder","text_1":"a","text_2":{"text":"c"}}              | 400 | text_2
            score  | {"model":"tiny-encoder","text_1":"a","text_2":"b","encoding_format":"float"} | 400 | encoding_format
            """)
    void shouldRefuseInvalidRequestsWithOpenAisErrorNamingTheFieldAndPublishNothing(String endpoint, String body,
                                                                                  int status, String param) {
        post("/v1/" + endpoint, body).expectStatus().isEqualTo(status)
                .expectBody()
                .jsonPath("$.error.param").isEqualTo(param)
                .jsonPath("$.error.type").isEqualTo("invalid_request_error");
        assertThat(backend.tokenizerRequests()).isEmpty();
    }

    @Test
    void shouldSayADecoderCannotRerankOrScore() {
        post("/v1/rerank", "{\"model\":\"tiny-llama\",\"query\":\"q\",\"documents\":[\"a\"]}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").isEqualTo("The model 'tiny-llama' does not support rerank:"
                        + " it is a decoder; use an encoder or cross-encoder model");
        post("/v1/score", "{\"model\":\"tiny-llama\",\"text_1\":\"a\",\"text_2\":\"b\"}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m)
                        .contains("does not support score"));
    }

    /** JSON numbers arrive as Double or BigDecimal; the expected values are given to 5 decimals. */
    private static Consumer<Object> near(double expected) {
        return actual -> assertThat(((Number) actual).doubleValue()).isCloseTo(expected, within(1e-5));
    }

    private WebTestClient.ResponseSpec post(String path, String body) {
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
