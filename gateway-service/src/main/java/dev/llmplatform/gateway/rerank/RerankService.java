package dev.llmplatform.gateway.rerank;

import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.generation.GenerationClient;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.rerank.RerankProtocol.RerankDocument;
import dev.llmplatform.gateway.rerank.RerankProtocol.RerankRequest;
import dev.llmplatform.gateway.rerank.RerankProtocol.RerankResponse;
import dev.llmplatform.gateway.rerank.RerankProtocol.RerankResult;
import dev.llmplatform.gateway.rerank.RerankProtocol.RerankUsage;
import dev.llmplatform.gateway.rerank.ScoreProtocol.ScoreData;
import dev.llmplatform.gateway.rerank.ScoreProtocol.ScoreRequest;
import dev.llmplatform.gateway.rerank.ScoreProtocol.ScoreResponse;
import dev.llmplatform.gateway.rerank.ScoreProtocol.ScoreUsage;
import dev.llmplatform.gateway.serving.RequestTimeout;
import dev.llmplatform.model.ModelKind;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Serves {@code /v1/rerank} and {@code /v1/score}, by the model's kind. An encoder is a bi-encoder: the query and
 * the documents (or both sides of every pair) are embedded together through the embeddings path
 * ({@link EmbeddingBatches}), and a pair's score is the cosine of its two L2-normalised embeddings, in [-1, 1].
 * A cross-encoder reads each pair as one sequence and gives one logit ({@link CrossEncoderBatches}); the score
 * is its sigmoid, in (0, 1).
 */
@Service
public class RerankService {

    private final EmbeddingBatches embeddings;
    private final CrossEncoderBatches crossEncoder;
    private final RerankRequestValidator validator;
    private final Duration maxTimeout;
    private final InstantSource clock = InstantSource.system();

    public RerankService(GenerationClient client, ModelRegistry registry, GatewayProperties properties) {
        this.embeddings = new EmbeddingBatches(client);
        this.crossEncoder = new CrossEncoderBatches(client);
        this.validator = new RerankRequestValidator(registry, properties.rerank().maxDocuments());
        this.maxTimeout = properties.requestTimeout();
    }

    /** @param timeoutHeader the client's {@code X-Request-Timeout}, or null */
    public Mono<RerankResponse> rerank(RerankRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            RerankRequestValidator.Rerank rerank = validator.rerank(request);
            String id = newId("rerank-");
            return scored(id, request.model(), rerank.kind(), rerank.plan(), deadline(timeoutHeader))
                    .map(scored -> new RerankResponse(id, request.model(), new RerankUsage(scored.tokens()),
                            ranked(rerank, scored.scores())));
        });
    }

    /** @param timeoutHeader the client's {@code X-Request-Timeout}, or null */
    public Mono<ScoreResponse> score(ScoreRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            RerankRequestValidator.Scoring scoring = validator.score(request);
            String id = newId("score-");
            return scored(id, request.model(), scoring.kind(), scoring.plan(), deadline(timeoutHeader)).map(scored -> {
                double[] scores = scored.scores();
                List<ScoreData> data = new ArrayList<>(scores.length);
                for (int i = 0; i < scores.length; i++) {
                    data.add(new ScoreData(i, ScoreProtocol.SCORE, scores[i]));
                }
                return new ScoreResponse(id, ScoreProtocol.LIST, clock.millis() / 1000, request.model(), data,
                        new ScoreUsage(scored.tokens(), scored.tokens(), 0));
            });
        });
    }

    /**
     * One score per pair of the plan, and the tokens the model read.
     *
     * @param tokens every text's tokens once (bi-encoder), or every pair's sequence (cross-encoder)
     */
    record Scored(double[] scores, int tokens) {
    }

    private Mono<Scored> scored(String id, String model, String kind, ScoringPlan plan, long deadline) {
        if (ModelKind.CROSS_ENCODER.equals(kind)) {
            return crossEncoder.score(id, model, plan, deadline);
        }
        return embeddings.embed(id, model, plan, deadline)
                .map(embedded -> new Scored(plan.scores(embedded.vectors()), embedded.tokens()));
    }

    /** Highest score first, ties in request order, cut to {@code top_n}. */
    static List<RerankResult> ranked(RerankRequestValidator.Rerank rerank, double[] scores) {
        List<RerankResult> results = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            RerankDocument document = rerank.returnDocuments() ? new RerankDocument(rerank.documents().get(i)) : null;
            results.add(new RerankResult(i, scores[i], document));
        }
        results.sort(Comparator.comparingDouble(RerankResult::relevanceScore).reversed());
        return List.copyOf(results.subList(0, rerank.topN()));
    }

    private long deadline(String timeoutHeader) {
        return clock.millis() + RequestTimeout.resolve(timeoutHeader, maxTimeout).toMillis();
    }

    private static String newId(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }
}
