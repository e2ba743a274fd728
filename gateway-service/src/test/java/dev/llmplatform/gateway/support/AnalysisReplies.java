package dev.llmplatform.gateway.support;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.TokenizerRequest;

import java.util.List;

/**
 * What the tokenizer and inference services would answer to embeddings and attention requests,
 * for controller slices. Embeddings: input {@code i} gets {@code [0.5, -0.25, i]}, each input
 * costs its code points plus 2 ([CLS], [SEP]); an input {@code "fail"} fails with a 400.
 * Attention: one token per code point, 2 layers × 2 heads, uniform rows; causal unless the model is
 * the slice's encoder. Scores (a cross-encoder): pair {@code i} gets the logit {@code i - 1}, each pair costs its
 * code points plus 3 ([CLS], [SEP], [SEP]); a document {@code "fail"} fails with a 400 naming {@code documents[i]}.
 */
public final class AnalysisReplies {

    public static final String FAIL = "fail";

    private AnalysisReplies() {
    }

    public static GenerationEvent scripted(TokenizerRequest.Analysis request) {
        return switch (request) {
            case TokenizerRequest.Embed embed -> embeddings(embed);
            case TokenizerRequest.Attend attend -> attention(attend);
            case TokenizerRequest.Score score -> scores(score);
        };
    }

    private static GenerationEvent scores(TokenizerRequest.Score request) {
        float[] logits = new float[request.queries().size()];
        int tokens = 0;
        for (int i = 0; i < logits.length; i++) {
            if (request.documents().get(i).equals(FAIL)) {
                return new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, request.requestId(),
                        ErrorInfo.invalidRequest("documents[" + i + "] is refused by the script", "documents[" + i + "]"));
            }
            logits[i] = i - 1;
            tokens += (int) (request.queries().get(i).codePoints().count() + request.documents().get(i).codePoints().count()) + 3;
        }
        return new GenerationEvent.Scores(GenerationEvent.CURRENT_VERSION, request.requestId(), logits, tokens);
    }

    private static GenerationEvent embeddings(TokenizerRequest.Embed request) {
        if (request.inputs().contains(FAIL)) {
            return failed(request.requestId());
        }
        float[][] vectors = new float[request.inputs().size()][];
        int tokens = 0;
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = new float[]{0.5f, -0.25f, i};
            tokens += (int) request.inputs().get(i).codePoints().count() + 2;
        }
        return new GenerationEvent.Embeddings(GenerationEvent.CURRENT_VERSION, request.requestId(), vectors, tokens);
    }

    private static GenerationEvent attention(TokenizerRequest.Attend request) {
        if (request.prompt().equals(FAIL)) {
            return failed(request.requestId());
        }
        boolean causal = !SliceTestBackend.ENCODER.equals(request.model());
        List<Integer> ids = request.prompt().codePoints().boxed().toList();
        int n = ids.size();
        float[][][][] weights = new float[2][2][n][n];
        for (float[][][] layer : weights) {
            for (float[][] head : layer) {
                for (int q = 0; q < n; q++) {
                    int keys = causal ? q + 1 : n;
                    for (int k = 0; k < keys; k++) {
                        head[q][k] = 1f / keys;
                    }
                }
            }
        }
        return new GenerationEvent.Attention(GenerationEvent.CURRENT_VERSION, request.requestId(), causal,
                ids.stream().map(Character::toString).toList(), ids, 2, 2, weights);
    }

    private static GenerationEvent failed(String requestId) {
        return new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, requestId,
                ErrorInfo.invalidRequest("scripted failure", "input"));
    }
}
