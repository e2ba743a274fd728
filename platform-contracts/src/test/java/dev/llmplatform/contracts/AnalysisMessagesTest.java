package dev.llmplatform.contracts;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embeddings / attention messages on the wire: round trips, and what makes them poison. */
class AnalysisMessagesTest {

    private static final ReplyTo REPLY = new ReplyTo("llm.generation.events", 2);

    @Test
    void shouldRoundTripTheTokenizerAndInferenceRequests() {
        var embed = new TokenizerRequest.Embed(1, "r1", "minilm", List.of("a", "b"), 99L, REPLY);
        var attend = new AnalysisRequest.Attend(1, "r2", "starter", "1", List.of(5, 6), List.of("he", "llo"), 0, REPLY);

        assertThat(Messages.fromJson(Messages.toJson(embed), TokenizerRequest.class)).isEqualTo(embed);
        assertThat(Messages.fromJson(Messages.toJson(attend), AnalysisRequest.class)).isEqualTo(attend);
        assertThat(Messages.toJson(embed)).contains("\"type\":\"embed\"");
    }

    @Test
    void shouldCarryVectorsAndFourDimensionalWeightsAsPlainJsonArrays() {
        var embeddings = new GenerationEvent.Embeddings(1, "r1", new float[][]{{0.6f, -0.8f}}, 4);
        var attention = new GenerationEvent.Attention(1, "r2", true, List.of("a", "b"), List.of(1, 2), 1, 1,
                new float[][][][]{{{{1f, 0f}, {0.25f, 0.75f}}}});

        String json = Messages.toJson(attention);
        assertThat(json).contains("\"weights\":[[[[1.0,0.0],[0.25,0.75]]]]");
        var readEmbeddings = (GenerationEvent.Embeddings) Messages.fromJson(Messages.toJson(embeddings), GenerationEvent.class);
        var readAttention = (GenerationEvent.Attention) Messages.fromJson(json, GenerationEvent.class);
        assertThat(readEmbeddings.vectors()).isDeepEqualTo(embeddings.vectors());
        assertThat(readAttention.weights()).isDeepEqualTo(attention.weights());
        assertThat(readAttention.isTerminal()).isTrue();
    }

    @Test
    void shouldTreatMissingOrOversizedInputsAsPoison() {
        assertThatThrownBy(() -> Messages.fromJson("{\"type\":\"attend\",\"schemaVersion\":1,\"requestId\":\"r\"}",
                AnalysisRequest.class)).isInstanceOf(PoisonMessageException.class);
        assertThatThrownBy(() -> new AnalysisRequest.Attend(1, "r", "m", "1", java.util.Collections.nCopies(65, 1),
                java.util.Collections.nCopies(65, "x"), 0, REPLY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenizerRequest.Embed(1, "r", "m", List.of(), 0, REPLY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRoundTripCrossEncoderPairsAndTheirLogits() {
        var score = new TokenizerRequest.Score(1, "r3", "reranker", List.of("q", "q"), List.of("a", "b"), 7L, REPLY);
        var pairs = new AnalysisRequest.Score(1, "r3", "reranker", "1", List.of(List.of(101, 5, 102, 6, 102)),
                List.of(List.of(0, 0, 0, 1, 1)), 7L, REPLY);
        var scores = new GenerationEvent.Scores(1, "r3", new float[]{1.5f, -0.25f}, 9);

        assertThat(Messages.fromJson(Messages.toJson(score), TokenizerRequest.class)).isEqualTo(score);
        assertThat(Messages.fromJson(Messages.toJson(pairs), AnalysisRequest.class)).isEqualTo(pairs);
        assertThat(Messages.toJson(score)).contains("\"type\":\"score\"");
        var read = (GenerationEvent.Scores) Messages.fromJson(Messages.toJson(scores), GenerationEvent.class);
        assertThat(read.logits()).containsExactly(1.5f, -0.25f);
        assertThat(read.promptTokens()).isEqualTo(9);
        assertThat(read.isTerminal()).isTrue();
    }

    @Test
    void shouldRefusePairsWhoseSidesOrTokenTypesDoNotLineUp() {
        assertThatThrownBy(() -> new TokenizerRequest.Score(1, "r", "m", List.of("q"), List.of("a", "b"), 0, REPLY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnalysisRequest.Score(1, "r", "m", "1", List.of(List.of(1, 2)),
                List.of(List.of(0)), 0, REPLY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Messages.fromJson("{\"type\":\"score\",\"schemaVersion\":1,\"requestId\":\"r\","
                + "\"model\":\"m\",\"version\":\"1\",\"inputs\":[[1]],\"replyTo\":{\"topic\":\"t\",\"partition\":0}}",
                AnalysisRequest.class)).isInstanceOf(PoisonMessageException.class);
    }
}
