package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.tokenizer.text.ChatTemplate;
import dev.llmplatform.tokenizer.text.IncrementalDecoder;
import dev.llmplatform.tokenizer.text.ModelTokenizer;
import dev.llmplatform.tokenizer.text.TokenizerCache;

import java.util.Arrays;
import java.util.Optional;

/**
 * Turns a generation request into a tokenized inference request, or into the error the caller
 * gets: unknown model (404), a model that cannot generate, an empty prompt, a chat its template
 * refuses, a token-id prompt with an id outside the vocabulary, or a prompt that does not fit the
 * model's context (400). A token-id prompt is used as it is. {@code max_tokens} is clamped
 * to the room left. A text prompt is encoded with the special tokens the tokenizer adds (a BOS where
 * the model's post-processor adds one, as {@code add_special_tokens=True} in Hugging Face and vLLM);
 * {@code messages} are rendered through the model's chat template (with the generation prompt) and
 * encoded as rendered, and a chat also stops at the template's end-of-turn token.
 */
public final class PromptPreparer {

    /** What became of one request. */
    public sealed interface Outcome {
        record Accepted(InferenceRequest request) implements Outcome {
        }

        record Rejected(ErrorInfo error) implements Outcome {
        }
    }

    private final TokenizerCache tokenizers;
    private final int maxPromptTokens;

    public PromptPreparer(TokenizerCache tokenizers) {
        this(tokenizers, 0);
    }

    /** @param maxPromptTokens the longest prompt accepted for any model ({@code llm.tokenizer.max-prompt-tokens}); 0: its context */
    public PromptPreparer(TokenizerCache tokenizers, int maxPromptTokens) {
        this.tokenizers = tokenizers;
        this.maxPromptTokens = maxPromptTokens;
    }

    public Outcome prepare(GenerationRequest request) {
        Optional<ModelTokenizer> found;
        try {
            found = tokenizers.resolve(request.model());
        } catch (RuntimeException e) {
            return reject(ErrorInfo.internal("cannot load model '" + request.model() + "': " + e.getMessage()));
        }
        if (found.isEmpty()) {
            return reject(ErrorInfo.notFound("The model '" + request.model() + "' does not exist", "model"));
        }
        ModelTokenizer model = found.get();
        if (!model.canGenerate()) {
            return reject(ErrorInfo.invalidRequest("The model '" + request.model() + "' is an "
                    + model.kind() + " model and cannot generate text", "model"));
        }
        boolean chat = request.messages() != null;
        String param = chat ? "messages" : "prompt";
        if (chat && model.chatTemplate().isEmpty()) {
            return reject(ErrorInfo.invalidRequest("The model '" + request.model()
                    + "' has no chat template; send a prompt instead", "messages"));
        }
        int[] promptIds;
        if (request.promptTokenIds() != null) {
            promptIds = request.promptTokenIds().stream().mapToInt(Integer::intValue).toArray();
            int vocab = model.config().vocabSize();
            for (int id : promptIds) {
                if (id < 0 || id >= vocab) {
                    return reject(ErrorInfo.invalidRequest("Token id " + id + " is outside the vocabulary of the model '"
                            + request.model() + "' (0.." + (vocab - 1) + ")", param));
                }
            }
        } else {
            if (chat ? request.messages().isEmpty() : request.prompt().isEmpty()) {
                return reject(ErrorInfo.invalidRequest(param + " must not be empty", param));
            }
            String text;
            try {
                text = chat ? model.chatTemplate().get().render(request.messages(), true,
                        request.chatTemplateKwargs(), request.tools()) : request.prompt();
            } catch (ChatTemplate.RenderException e) {
                return reject(ErrorInfo.invalidRequest(e.getMessage(), "messages"));
            }
            // As Hugging Face and vLLM: a prompt gets the special tokens the tokenizer's post-processor adds (Llama's
            // and Mistral's BOS); a rendered chat already holds what its template wrote (bos_token included).
            promptIds = model.tokenizer().encode(text, !chat);
        }
        int context = model.config().contextLength();
        if (promptIds.length == 0) {
            return reject(ErrorInfo.invalidRequest(param + " must not be empty", param));
        }
        if (maxPromptTokens > 0 && promptIds.length > maxPromptTokens && promptIds.length < context) {
            return reject(new ErrorInfo(400, "invalid_request_error", "The " + param + " has " + promptIds.length
                    + " tokens, but this server accepts at most " + maxPromptTokens + " prompt tokens", param,
                    "prompt_too_long"));
        }
        if (promptIds.length >= context) {
            return reject(new ErrorInfo(400, "invalid_request_error", "This model's maximum context length is "
                    + context + " tokens, but the " + param + " has " + promptIds.length
                    + " tokens, which leaves no room to generate", param, "context_length_exceeded"));
        }
        DecodeContext decode = new DecodeContext(model.name(), model.version(), request.replyTo(), request.stop(),
                request.stream(), IncrementalDecoder.contextTokensFor(request.stop()), promptIds.length);
        return new Outcome.Accepted(new InferenceRequest(InferenceRequest.CURRENT_VERSION, request.requestId(),
                model.name(), model.version(), Arrays.stream(promptIds).boxed().toList(),
                Math.min(request.maxTokens(), context - promptIds.length), request.sampling(),
                model.stopTokenIds(chat), request.deadlineEpochMs(), request.createdEpochMs(), decode,
                request.promptLogprobs(), request.priority()));
    }

    private static Outcome reject(ErrorInfo error) {
        return new Outcome.Rejected(error);
    }
}
