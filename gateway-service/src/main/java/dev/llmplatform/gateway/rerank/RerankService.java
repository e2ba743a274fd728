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
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Serves {@code /v1/rerank} and {@code /v1/score} with a bi-encoder: the query and the documents
 * (or both sides of every pair) are embedded together through the embeddings path
 * ({@link EmbeddingBatches}), and a pair's score is the cosine of its two L2-normalised embeddings.
 */
@Service
public class RerankService {

    private final EmbeddingBatches embeddings;
    private final RerankRequestValidator validator;
    private final Duration maxTimeout;
    private final InstantSource clock = InstantSource.system();

    public RerankService(GenerationClient client, ModelRegistry registry, GatewayProperties properties) {
        this.embeddings = new EmbeddingBatches(client);
        this.validator = new RerankRequestValidator(registry, properties.rerank().maxDocuments());
        this.maxTimeout = properties.requestTimeout();
    }

    /** @param timeoutHeader the client's {@code X-Request-Timeout}, or null */
    public Mono<RerankResponse> rerank(RerankRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            RerankRequestValidator.Rerank rerank = validator.rerank(request);
            String id = newId("rerank-");
            return embeddings.embed(id, request.model(), rerank.plan(), deadline(timeoutHeader))
                    .map(embedded -> new RerankResponse(id, request.model(), new RerankUsage(embedded.tokens()),
                            ranked(rerank, rerank.plan().scores(embedded.vectors()))));
        });
    }

    /** @param timeoutHeader the client's {@code X-Request-Timeout}, or null */
    public Mono<ScoreResponse> score(ScoreRequest request, String timeoutHeader) {
        return Mono.defer(() -> {
            ScoringPlan plan = validator.score(request);
            String id = newId("score-");
            return embeddings.embed(id, request.model(), plan, deadline(timeoutHeader)).map(embedded -> {
                double[] scores = plan.scores(embedded.vectors());
                List<ScoreData> data = new ArrayList<>(scores.length);
                for (int i = 0; i < scores.length; i++) {
                    data.add(new ScoreData(i, ScoreProtocol.SCORE, scores[i]));
                }
                return new ScoreResponse(id, ScoreProtocol.LIST, clock.millis() / 1000, request.model(), data,
                        new ScoreUsage(embedded.tokens(), embedded.tokens(), 0));
            });
        });
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
