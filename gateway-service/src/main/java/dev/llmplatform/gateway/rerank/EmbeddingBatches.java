package dev.llmplatform.gateway.rerank;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.generation.GenerationClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Embeds the texts of a {@link ScoringPlan} through the path {@code /v1/embeddings} takes
 * ({@link TokenizerRequest.Embed} → tokenizer → inference → {@link GenerationEvent.Embeddings} on
 * this instance's reply partition): the texts go together, in requests of at most
 * {@value AnalysisRequest#MAX_EMBEDDING_INPUTS} (one graph run each), sent at once and joined in
 * order. A refusal that names an input ({@code input[3]}) is passed on naming the request's own
 * field ({@code documents[2]}).
 */
final class EmbeddingBatches {

    /** Requests of one rerank or score call in flight at once. */
    private static final int CONCURRENCY = 4;
    private static final Pattern INPUT = Pattern.compile("input(?:\\[(\\d+)])?");

    /** @param tokens every text's tokens, special tokens included */
    record Embedded(float[][] vectors, int tokens) {
    }

    private final GenerationClient client;

    EmbeddingBatches(GenerationClient client) {
        this.client = client;
    }

    Mono<Embedded> embed(String requestId, String model, ScoringPlan plan, long deadlineEpochMs) {
        int size = AnalysisRequest.MAX_EMBEDDING_INPUTS;
        int batches = (plan.texts().size() + size - 1) / size;
        return Flux.range(0, batches)
                .flatMapSequential(b -> {
                    int from = b * size;
                    int to = Math.min(plan.texts().size(), from + size);
                    String id = batches == 1 ? requestId : requestId + "-" + b;
                    var request = new TokenizerRequest.Embed(TokenizerRequest.CURRENT_VERSION, id, model,
                            plan.texts().subList(from, to), deadlineEpochMs, client.replyTo());
                    return client.tokenizer(request, deadlineEpochMs)
                            .map(event -> answer(event, plan.params().subList(from, to)));
                }, CONCURRENCY)
                .collectList()
                .map(parts -> {
                    float[][] vectors = new float[plan.texts().size()][];
                    int tokens = 0;
                    int at = 0;
                    for (GenerationEvent.Embeddings part : parts) {
                        for (float[] vector : part.vectors()) {
                            vectors[at++] = vector;
                        }
                        tokens += part.promptTokens();
                    }
                    return new Embedded(vectors, tokens);
                });
    }

    private static GenerationEvent.Embeddings answer(GenerationEvent event, List<String> params) {
        return switch (event) {
            case GenerationEvent.Embeddings e when e.vectors().length == params.size() -> e;
            case GenerationEvent.Embeddings e -> throw unexpected(e.vectors().length + " vectors for " + params.size()
                    + " texts");
            case GenerationEvent.Failed failed -> throw new ApiException(renamed(failed.error(), params));
            default -> throw unexpected("a " + event.getClass().getSimpleName());
        };
    }

    /** The tokenizer names inputs {@code input} (one text) or {@code input[i]}; the client sent other fields. */
    static ErrorInfo renamed(ErrorInfo error, List<String> params) {
        if (error.param() == null) {
            return error;
        }
        Matcher matcher = INPUT.matcher(error.param());
        if (!matcher.matches()) {
            return error;
        }
        boolean bare = matcher.group(1) == null;   // the tokenizer's name when a request holds one text
        int index = bare ? 0 : Integer.parseInt(matcher.group(1));
        if (bare && params.size() != 1 || index >= params.size()) {
            return error;
        }
        String param = params.get(index);
        String message = error.message() == null ? null
                : error.message().replaceAll("\\b" + Pattern.quote(error.param()) + "(?![\\w\\[])",
                Matcher.quoteReplacement(param));
        return new ErrorInfo(error.status(), error.type(), message, param, error.code());
    }

    private static ApiException unexpected(String what) {
        return new ApiException(new ErrorInfo(502, "server_error", "The platform answered with " + what, null, null));
    }
}
