package dev.llmplatform.inference.analysis;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.model.ModelKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * Answers analysis requests: embeddings from an encoder, attention maps from an encoder
 * (bidirectional) or a decoder (causal), relevance logits of text pairs from a cross-encoder. Every readable request gets one answer, its result or a
 * {@code Failed}; only a request whose caller has stopped waiting (deadline passed) gets none.
 */
public final class AnalysisService {

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisService.class);

    private final AnalysisModels models;
    private final InstantSource clock;

    public AnalysisService(AnalysisModels models, InstantSource clock) {
        this.models = models;
        this.clock = clock;
    }

    public Optional<GenerationEvent> answer(AnalysisRequest request) {
        if (request.deadlineEpochMs() > 0 && clock.millis() > request.deadlineEpochMs()) {
            LOG.debug("analysis request {} skipped: its deadline has passed", request.requestId());
            return Optional.empty();
        }
        try {
            AnalysisModels.Loaded model = models.get(request.model(), request.version());
            return Optional.of(switch (request) {
                case AnalysisRequest.Embed embed -> embed(embed, model);
                case AnalysisRequest.Attend attend -> attend(attend, model);
                case AnalysisRequest.Score score -> score(score, model);
            });
        } catch (AnalysisException e) {
            return Optional.of(failed(request, e.error()));
        } catch (RuntimeException e) {
            LOG.error("analysis request {} failed", request.requestId(), e);
            return Optional.of(failed(request, ErrorInfo.internal("the analysis failed: " + e.getMessage())));
        }
    }

    private static GenerationEvent embed(AnalysisRequest.Embed request, AnalysisModels.Loaded model) {
        if (!(model instanceof AnalysisModels.Encoder encoder) || !ModelKind.ENCODER.equals(model.modelPackage().kind())) {
            throw new AnalysisException(ErrorInfo.invalidRequest("The model '" + request.model()
                    + "' does not support embeddings: it is a " + model.modelPackage().kind(), "model"), null);
        }
        List<int[]> inputs = request.inputs().stream().map(AnalysisService::toArray).toList();
        for (int i = 0; i < inputs.size(); i++) {
            checkLength(inputs.get(i).length, model, i == 0 && inputs.size() == 1 ? "input" : "input[" + i + "]");
        }
        float[][] vectors = encoder.session().embed(inputs);
        return new GenerationEvent.Embeddings(GenerationEvent.CURRENT_VERSION, request.requestId(), vectors,
                request.tokenCount());
    }

    private static GenerationEvent score(AnalysisRequest.Score request, AnalysisModels.Loaded model) {
        if (!(model instanceof AnalysisModels.Encoder encoder)
                || !ModelKind.CROSS_ENCODER.equals(model.modelPackage().kind())) {
            throw new AnalysisException(ErrorInfo.invalidRequest("The model '" + request.model()
                    + "' is a " + model.modelPackage().kind() + ", not a cross-encoder", "model"), null);
        }
        List<int[]> inputs = request.inputs().stream().map(AnalysisService::toArray).toList();
        for (int i = 0; i < inputs.size(); i++) {
            checkLength(inputs.get(i).length, model, "input[" + i + "]");
        }
        float[] logits = encoder.session().logits(inputs, request.tokenTypeIds().stream().map(AnalysisService::toArray).toList());
        return new GenerationEvent.Scores(GenerationEvent.CURRENT_VERSION, request.requestId(), logits,
                request.tokenCount());
    }

    private static GenerationEvent attend(AnalysisRequest.Attend request, AnalysisModels.Loaded model) {
        int[] ids = toArray(request.tokenIds());
        checkLength(ids.length, model, "prompt");
        float[][][][] weights = switch (model) {
            case AnalysisModels.Encoder encoder -> encoder.session().attention(ids);
            case AnalysisModels.Decoder decoder -> {
                if (!decoder.attention().hasAttentionOutputs()) {
                    throw new AnalysisException(ErrorInfo.invalidRequest("The model '" + request.model()
                            + "' has no attention outputs (export it with attentions.* outputs)", "model"), null);
                }
                yield decoder.attention().attention(ids);
            }
        };
        boolean causal = model instanceof AnalysisModels.Decoder;
        return new GenerationEvent.Attention(GenerationEvent.CURRENT_VERSION, request.requestId(), causal,
                request.tokens(), request.tokenIds(), weights.length, weights.length == 0 ? 0 : weights[0].length,
                weights);
    }

    private static void checkLength(int tokens, AnalysisModels.Loaded model, String param) {
        if (tokens > model.maxTokens()) {
            throw new AnalysisException(new ErrorInfo(400, "invalid_request_error", "This model's maximum context length is "
                    + model.maxTokens() + " tokens, but the " + param + " has " + tokens + " tokens", param,
                    "context_length_exceeded"), null);
        }
    }

    private static GenerationEvent failed(AnalysisRequest request, ErrorInfo error) {
        return new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, request.requestId(), error);
    }

    private static int[] toArray(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
