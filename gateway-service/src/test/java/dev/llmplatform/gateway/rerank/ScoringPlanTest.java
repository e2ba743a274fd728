package dev.llmplatform.gateway.rerank;

import dev.llmplatform.gateway.rerank.RerankProtocol.RerankResult;
import dev.llmplatform.gateway.rerank.ScoringPlan.Text;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The pure part of rerank and score: each distinct text embedded once, cosine per pair, best first. */
class ScoringPlanTest {

    @Test
    void shouldEmbedEachDistinctTextOnceAndRememberWhereItFirstCameFrom() {
        List<Text> query = List.of(new Text("q", "query"), new Text("q", "query"), new Text("q", "query"));
        List<Text> documents = List.of(new Text("a", "documents[0]"), new Text("q", "documents[1]"),
                new Text("a", "documents[2]"));

        ScoringPlan plan = ScoringPlan.of(query, documents);

        assertThat(plan.texts()).containsExactly("q", "a");
        assertThat(plan.params()).containsExactly("query", "documents[0]");
        assertThat(plan.pairs()).extracting(p -> p[0] + ":" + p[1]).containsExactly("0:1", "0:0", "0:1");
    }

    @Test
    void shouldScoreEachPairByTheCosineOfItsVectorsWhateverTheirLength() {
        ScoringPlan plan = ScoringPlan.of(List.of(new Text("x", "text_1[0]"), new Text("y", "text_1[1]")),
                List.of(new Text("z", "text_2[0]"), new Text("w", "text_2[1]")));
        float[][] vectors = {{3, 4}, {1, 0}, {-2, 0}, {0, 0}};   // x, z, y, w

        double[] scores = plan.scores(vectors);

        assertThat(scores[0]).isCloseTo(0.6, within(1e-9));            // (3·1 + 4·0) / (5 · 1)
        assertThat(scores[1]).isZero();                                // a zero vector is similar to nothing
        assertThat(ScoringPlan.cosine(new float[]{1, 2}, new float[]{-2, -4})).isCloseTo(-1, within(1e-9));
        assertThatThrownBy(() -> plan.scores(new float[3][])).hasMessageContaining("expected 4 vectors");
    }

    @Test
    void shouldRankHighestScoreFirstKeepTiesInRequestOrderAndCutToTopN() {
        var rerank = new RerankRequestValidator.Rerank("encoder", null, List.of("d0", "d1", "d2", "d3"), 3, true);

        List<RerankResult> ranked = RerankService.ranked(rerank, new double[]{0.1, 0.7, 0.1, 0.9});

        assertThat(ranked).extracting(RerankResult::index).containsExactly(3, 1, 0);
        assertThat(ranked).extracting(r -> r.document().text()).containsExactly("d3", "d1", "d0");
        var bare = new RerankRequestValidator.Rerank("encoder", null, List.of("d0", "d1"), 2, false);
        assertThat(RerankService.ranked(bare, new double[]{0.2, 0.4})).allSatisfy(r -> assertThat(r.document()).isNull());
    }
}
