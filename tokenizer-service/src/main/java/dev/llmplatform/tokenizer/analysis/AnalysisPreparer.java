package dev.llmplatform.tokenizer.analysis;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.model.ModelKind;
import dev.llmplatform.tokenizer.text.HfTokenizer;
import dev.llmplatform.tokenizer.text.ModelTokenizer;
import dev.llmplatform.tokenizer.text.TokenizerCache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Tokenizes embeddings, attention and pair-scoring requests for the inference-service. An encoder's input gets
 * the special tokens its post-processor declares ([CLS] … [SEP]), as it was trained with; a decoder's
 * prompt is encoded as for generation (nothing added); a cross-encoder's (query, document) pair is one
 * sequence through the pair template ([CLS] q [SEP] d [SEP], token types 0/1), truncated longest-first to
 * the model's length. Refusals (unknown model 404; a decoder asked for embeddings, an empty input, too many
 * tokens 400) go straight back to the caller.
 */
public final class AnalysisPreparer {

    public static final String ENCODER = ModelKind.ENCODER;

    /** What becomes of a request: an analysis request for inference, or an error for the caller. */
    public sealed interface Outcome {
        record Accepted(AnalysisRequest request) implements Outcome {
        }

        record Rejected(ErrorInfo error) implements Outcome {
        }
    }

    private final TokenizerCache tokenizers;

    public AnalysisPreparer(TokenizerCache tokenizers) {
        this.tokenizers = tokenizers;
    }

    public Outcome prepare(TokenizerRequest.Analysis request) {
        Optional<ModelTokenizer> found;
        try {
            found = tokenizers.resolve(request.model());
        } catch (RuntimeException e) {
            return reject(ErrorInfo.internal("cannot load model '" + request.model() + "': " + e.getMessage()));
        }
        if (found.isEmpty()) {
            return reject(ErrorInfo.notFound("The model '" + request.model() + "' does not exist", "model"));
        }
        return switch (request) {
            case TokenizerRequest.Embed embed -> embed(embed, found.get());
            case TokenizerRequest.Attend attend -> attend(attend, found.get());
            case TokenizerRequest.Score score -> score(score, found.get());
        };
    }

    private static Outcome embed(TokenizerRequest.Embed request, ModelTokenizer model) {
        if (!ENCODER.equals(model.kind())) {
            return reject(ErrorInfo.invalidRequest("The model '" + request.model() + "' does not support embeddings: it is a "
                    + model.kind() + "; use an encoder model", "model"));
        }
        List<List<Integer>> inputs = new ArrayList<>(request.inputs().size());
        for (int i = 0; i < request.inputs().size(); i++) {
            String param = request.inputs().size() == 1 ? "input" : "input[" + i + "]";
            String text = request.inputs().get(i);
            if (text == null || text.isEmpty()) {
                return reject(ErrorInfo.invalidRequest(param + " must not be empty", param));
            }
            int[] ids = model.tokenizer().encode(text, true);
            if (ids.length > model.maxModelLength()) {
                return reject(tooLong(model.maxModelLength(), "This model's maximum context length is ", param, ids.length));
            }
            inputs.add(Arrays.stream(ids).boxed().toList());
        }
        return new Outcome.Accepted(new AnalysisRequest.Embed(AnalysisRequest.CURRENT_VERSION, request.requestId(),
                model.name(), model.version(), inputs, request.deadlineEpochMs(), request.replyTo()));
    }

    private static Outcome attend(TokenizerRequest.Attend request, ModelTokenizer model) {
        if (request.prompt().isEmpty()) {
            return reject(ErrorInfo.invalidRequest("prompt must not be empty", "prompt"));
        }
        HfTokenizer tokenizer = model.tokenizer();
        int[] ids = tokenizer.encode(request.prompt(), ModelKind.isEncoder(model.kind()));
        if (ids.length == 0) {
            return reject(ErrorInfo.invalidRequest("prompt must not be empty", "prompt"));
        }
        int limit = Math.min(AnalysisRequest.MAX_ATTENTION_TOKENS, model.maxModelLength());
        if (ids.length > limit) {
            String what = limit == AnalysisRequest.MAX_ATTENTION_TOKENS
                    ? "Attention maps are computed for at most " : "This model's maximum context length is ";
            return reject(tooLong(limit, what, "prompt", ids.length));
        }
        List<String> tokens = Arrays.stream(ids).mapToObj(tokenizer::tokenText).toList();
        return new Outcome.Accepted(new AnalysisRequest.Attend(AnalysisRequest.CURRENT_VERSION, request.requestId(),
                model.name(), model.version(), Arrays.stream(ids).boxed().toList(), tokens, request.deadlineEpochMs(),
                request.replyTo()));
    }

    private static Outcome score(TokenizerRequest.Score request, ModelTokenizer model) {
        if (!ModelKind.CROSS_ENCODER.equals(model.kind())) {
            return reject(ErrorInfo.invalidRequest("The model '" + request.model() + "' is a " + model.kind()
                    + ", not a cross-encoder: its pairs are scored from embeddings", "model"));
        }
        List<List<Integer>> inputs = new ArrayList<>(request.queries().size());
        List<List<Integer>> types = new ArrayList<>(request.queries().size());
        for (int i = 0; i < request.queries().size(); i++) {
            String query = request.queries().get(i);
            String document = request.documents().get(i);
            if (query == null || query.isEmpty()) {
                return reject(ErrorInfo.invalidRequest("queries[" + i + "] must not be empty", "queries[" + i + "]"));
            }
            if (document == null || document.isEmpty()) {
                return reject(ErrorInfo.invalidRequest("documents[" + i + "] must not be empty", "documents[" + i + "]"));
            }
            HfTokenizer.PairEncoding pair = model.tokenizer().encodePair(query, document);
            inputs.add(Arrays.stream(pair.ids()).boxed().toList());
            types.add(Arrays.stream(pair.typeIds()).boxed().toList());
        }
        return new Outcome.Accepted(new AnalysisRequest.Score(AnalysisRequest.CURRENT_VERSION, request.requestId(),
                model.name(), model.version(), inputs, types, request.deadlineEpochMs(), request.replyTo()));
    }

    private static ErrorInfo tooLong(int limit, String what, String param, int tokens) {
        return new ErrorInfo(400, "invalid_request_error", what + limit + " tokens, but the " + param + " has "
                + tokens + " tokens", param, "context_length_exceeded");
    }

    private static Outcome reject(ErrorInfo error) {
        return new Outcome.Rejected(error);
    }
}
