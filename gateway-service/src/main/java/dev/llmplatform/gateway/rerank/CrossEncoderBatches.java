package dev.llmplatform.gateway.rerank;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.generation.GenerationClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scores the pairs of a {@link ScoringPlan} with a cross-encoder: each (first, second) pair goes to the tokenizer
 * as one {@link TokenizerRequest.Score} entry (encoded there as {@code [CLS] first [SEP] second [SEP]}), inference
 * runs the graph and answers one logit per pair ({@link GenerationEvent.Scores}), and a pair's relevance is
 * {@code sigmoid(logit)}, in (0, 1), as sentence-transformers' {@code CrossEncoder} and vLLM report a one-label
 * model's score. At most {@value AnalysisRequest#MAX_EMBEDDING_INPUTS} pairs per request, sent at once and
 * joined in order. A refusal naming a pair's side ({@code documents[3]}) is passed on naming the request's field.
 */
final class CrossEncoderBatches {

    private static final int CONCURRENCY = 4;
    private static final Pattern SIDE = Pattern.compile("(queries|documents)\\[(\\d+)]");

    private final GenerationClient client;

    CrossEncoderBatches(GenerationClient client) {
        this.client = client;
    }

    Mono<RerankService.Scored> score(String requestId, String model, ScoringPlan plan, long deadlineEpochMs) {
        int size = AnalysisRequest.MAX_EMBEDDING_INPUTS;
        int pairs = plan.pairs().size();
        int batches = (pairs + size - 1) / size;
        return Flux.range(0, batches)
                .flatMapSequential(b -> {
                    int from = b * size;
                    int to = Math.min(pairs, from + size);
                    List<String> first = new ArrayList<>(to - from);
                    List<String> second = new ArrayList<>(to - from);
                    for (int i = from; i < to; i++) {
                        first.add(plan.texts().get(plan.pairs().get(i)[0]));
                        second.add(plan.texts().get(plan.pairs().get(i)[1]));
                    }
                    String id = batches == 1 ? requestId : requestId + "-" + b;
                    var request = new TokenizerRequest.Score(TokenizerRequest.CURRENT_VERSION, id, model, first, second,
                            deadlineEpochMs, client.replyTo());
                    return client.tokenizer(request, deadlineEpochMs).map(event -> answer(event, plan, from, to - from));
                }, CONCURRENCY)
                .collectList()
                .map(parts -> {
                    double[] scores = new double[pairs];
                    int tokens = 0;
                    int at = 0;
                    for (GenerationEvent.Scores part : parts) {
                        for (float logit : part.logits()) {
                            scores[at++] = sigmoid(logit);
                        }
                        tokens += part.promptTokens();
                    }
                    return new RerankService.Scored(scores, tokens);
                });
    }

    /** The relevance of a one-label cross-encoder's logit. */
    static double sigmoid(double logit) {
        return 1 / (1 + Math.exp(-logit));
    }

    private static GenerationEvent.Scores answer(GenerationEvent event, ScoringPlan plan, int from, int count) {
        return switch (event) {
            case GenerationEvent.Scores s when s.logits().length == count -> s;
            case GenerationEvent.Scores s -> throw unexpected(s.logits().length + " scores for " + count + " pairs");
            case GenerationEvent.Failed failed -> throw new ApiException(renamed(failed.error(), plan, from));
            default -> throw unexpected("a " + event.getClass().getSimpleName());
        };
    }

    /** The tokenizer names a pair's sides {@code queries[i]} and {@code documents[i]} within its batch. */
    static ErrorInfo renamed(ErrorInfo error, ScoringPlan plan, int from) {
        if (error.param() == null) {
            return error;
        }
        Matcher matcher = SIDE.matcher(error.param());
        if (!matcher.matches()) {
            return error;
        }
        int pair = from + Integer.parseInt(matcher.group(2));
        if (pair >= plan.pairs().size()) {
            return error;
        }
        int side = matcher.group(1).equals("queries") ? 0 : 1;
        String param = plan.params().get(plan.pairs().get(pair)[side]);
        String message = error.message() == null ? null
                : error.message().replace(error.param(), param);
        return new ErrorInfo(error.status(), error.type(), message, param, error.code());
    }

    private static ApiException unexpected(String what) {
        return new ApiException(new ErrorInfo(502, "server_error", "The platform answered with " + what, null, null));
    }
}
