package dev.llmplatform.tokenizer.tokenize;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.tokenizer.text.ChatTemplate;
import dev.llmplatform.tokenizer.text.HfTokenizer;
import dev.llmplatform.tokenizer.text.ModelTokenizer;
import dev.llmplatform.tokenizer.text.TokenizerCache;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Answers {@code /v1/tokenize} and {@code /v1/detokenize} requests as vLLM does: tokenize gives the
 * ids, each token's own text and the model's context length; {@code messages} go through the
 * model's chat template with the generation prompt, exactly as a chat completion would see them.
 * Detokenize keeps special tokens. Unknown model → 404; input the model cannot take → 400.
 */
public final class TokenizeResponder {

    private final TokenizerCache tokenizers;

    public TokenizeResponder(TokenizerCache tokenizers) {
        this.tokenizers = tokenizers;
    }

    public GenerationEvent answer(TokenizerRequest request) {
        Optional<ModelTokenizer> found;
        try {
            found = tokenizers.resolve(request.model());
        } catch (RuntimeException e) {
            return failed(request, ErrorInfo.internal("cannot load model '" + request.model() + "': " + e.getMessage()));
        }
        if (found.isEmpty()) {
            return failed(request, ErrorInfo.notFound("The model '" + request.model() + "' does not exist", "model"));
        }
        return switch (request) {
            case TokenizerRequest.Tokenize tokenize -> tokenize(tokenize, found.get());
            case TokenizerRequest.Detokenize detokenize -> detokenize(detokenize, found.get());
            // Routed to the analysis package by the listener; answered here only if that ever changes.
            case TokenizerRequest.Analysis analysis -> failed(request, ErrorInfo.internal(
                    "analysis requests are not answered by the tokenize responder"));
        };
    }

    private static GenerationEvent tokenize(TokenizerRequest.Tokenize request, ModelTokenizer model) {
        String text = request.prompt();
        if (request.messages() != null) {
            if (model.chatTemplate().isEmpty()) {
                return failed(request, ErrorInfo.invalidRequest("The model '" + request.model()
                        + "' has no chat template; send a prompt instead", "messages"));
            }
            if (request.messages().isEmpty()) {
                return failed(request, ErrorInfo.invalidRequest("messages must not be empty", "messages"));
            }
            try {
                text = model.chatTemplate().get().render(request.messages(), true, request.chatTemplateKwargs());
            } catch (ChatTemplate.RenderException e) {
                return failed(request, ErrorInfo.invalidRequest(e.getMessage(), "messages"));
            }
        }
        HfTokenizer tokenizer = model.tokenizer();
        int[] ids = tokenizer.encode(text, request.addSpecialTokens());
        List<String> tokens = Arrays.stream(ids).mapToObj(tokenizer::tokenText).toList();
        return new GenerationEvent.Tokenized(GenerationEvent.CURRENT_VERSION, request.requestId(),
                Arrays.stream(ids).boxed().toList(), tokens, model.maxModelLength());
    }

    private static GenerationEvent detokenize(TokenizerRequest.Detokenize request, ModelTokenizer model) {
        // Out-of-range ids would be dropped silently by the decoder; say so instead.
        int vocab = model.config() == null ? Integer.MAX_VALUE : model.config().vocabSize();
        for (int id : request.tokenIds()) {
            if (id < 0 || id >= vocab) {
                return failed(request, ErrorInfo.invalidRequest("token id " + id + " is not in the vocabulary of '"
                        + request.model() + "'", "tokens"));
            }
        }
        String text = model.tokenizer().decode(request.tokenIds().stream().mapToInt(Integer::intValue).toArray());
        return new GenerationEvent.Detokenized(GenerationEvent.CURRENT_VERSION, request.requestId(), text);
    }

    private static GenerationEvent.Failed failed(TokenizerRequest request, ErrorInfo error) {
        return new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, request.requestId(), error);
    }
}
