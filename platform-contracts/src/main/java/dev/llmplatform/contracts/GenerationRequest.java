package dev.llmplatform.contracts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request to generate text, on {@code llm.generation.requests}, keyed by {@link #requestId()}.
 * Exactly one of {@code prompt}, {@code messages} and {@code promptTokenIds} is set. Written by the
 * gateway or by any batch producer that names its own {@link #replyTo()}.
 *
 * @param deadlineEpochMs 0 for none; past it the request is cancelled with an error
 * @param promptLogprobs  null for none, else log-probabilities of the prompt tokens are wanted too, with
 *                        this many top alternatives each (0..20): OpenAI's {@code echo} with {@code logprobs}
 * @param promptTokenIds  a prompt already tokenized by the caller, used as it is (no special tokens added)
 * @param chatTemplateKwargs extra variables for the chat template's render, with {@code messages}
 *                        (vLLM's {@code chat_template_kwargs}, e.g. {@code {"enable_thinking": false}}); null for
 *                        none. Added without a version bump: an older sender leaves it out, an older reader ignores it
 * @param priority        lower is served first (vLLM's convention: HTTP requests default to 0); left out (null),
 *                        {@value #BATCH_PRIORITY}, so a batch producer that names none queues behind interactive
 *                        traffic. Added without a version bump, as {@code chatTemplateKwargs}
 * @param tools           the function tools the chat template lists, in OpenAI's shape
 *                        ({@code {"type":"function","function":{"name","description","parameters"}}}), with
 *                        {@code messages} only; null for none. Added without a version bump, as {@code chatTemplateKwargs}
 */
public record GenerationRequest(
        int schemaVersion,
        String requestId,
        String model,
        String prompt,
        List<ChatMessage> messages,
        int maxTokens,
        SamplingParams sampling,
        List<String> stop,
        boolean stream,
        ReplyTo replyTo,
        long createdEpochMs,
        long deadlineEpochMs,
        Integer promptLogprobs,
        List<Integer> promptTokenIds,
        Map<String, Object> chatTemplateKwargs,
        Integer priority,
        List<Map<String, Object>> tools) implements Versioned {

    public static final int CURRENT_VERSION = 1;
    /** The priority of a request that names none: a Kafka-native batch job's, behind HTTP's default 0. */
    public static final int BATCH_PRIORITY = 10;

    public GenerationRequest {
        Versioned.check(schemaVersion, CURRENT_VERSION, "GenerationRequest");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(replyTo, "replyTo");
        if ((prompt != null ? 1 : 0) + (messages != null ? 1 : 0) + (promptTokenIds != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("exactly one of prompt, messages and promptTokenIds must be set");
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be > 0");
        }
        sampling = sampling == null ? SamplingParams.greedy() : sampling;
        stop = stop == null ? List.of() : List.copyOf(stop);
        messages = messages == null ? null : List.copyOf(messages);
        promptTokenIds = promptTokenIds == null ? null : List.copyOf(promptTokenIds);
        // JSON values may be null, which Map.copyOf refuses.
        chatTemplateKwargs = chatTemplateKwargs == null || chatTemplateKwargs.isEmpty() ? null
                : Collections.unmodifiableMap(new LinkedHashMap<>(chatTemplateKwargs));
        priority = priority == null ? BATCH_PRIORITY : priority;
        tools = tools == null || tools.isEmpty() ? null : List.copyOf(tools);
    }

    /** Without tools. */
    public GenerationRequest(int schemaVersion, String requestId, String model, String prompt, List<ChatMessage> messages,
                             int maxTokens, SamplingParams sampling, List<String> stop, boolean stream, ReplyTo replyTo,
                             long createdEpochMs, long deadlineEpochMs, Integer promptLogprobs,
                             List<Integer> promptTokenIds, Map<String, Object> chatTemplateKwargs, Integer priority) {
        this(schemaVersion, requestId, model, prompt, messages, maxTokens, sampling, stop, stream, replyTo,
                createdEpochMs, deadlineEpochMs, promptLogprobs, promptTokenIds, chatTemplateKwargs, priority, null);
    }

    /** At the batch priority, {@value #BATCH_PRIORITY}. */
    public GenerationRequest(int schemaVersion, String requestId, String model, String prompt, List<ChatMessage> messages,
                             int maxTokens, SamplingParams sampling, List<String> stop, boolean stream, ReplyTo replyTo,
                             long createdEpochMs, long deadlineEpochMs, Integer promptLogprobs,
                             List<Integer> promptTokenIds, Map<String, Object> chatTemplateKwargs) {
        this(schemaVersion, requestId, model, prompt, messages, maxTokens, sampling, stop, stream, replyTo,
                createdEpochMs, deadlineEpochMs, promptLogprobs, promptTokenIds, chatTemplateKwargs, null, null);
    }

    /** A request whose chat template (if any) gets no extra variables. */
    public GenerationRequest(int schemaVersion, String requestId, String model, String prompt, List<ChatMessage> messages,
                             int maxTokens, SamplingParams sampling, List<String> stop, boolean stream, ReplyTo replyTo,
                             long createdEpochMs, long deadlineEpochMs, Integer promptLogprobs,
                             List<Integer> promptTokenIds) {
        this(schemaVersion, requestId, model, prompt, messages, maxTokens, sampling, stop, stream, replyTo,
                createdEpochMs, deadlineEpochMs, promptLogprobs, promptTokenIds, null, null, null);
    }

    /** A request with a text prompt or messages. */
    public GenerationRequest(int schemaVersion, String requestId, String model, String prompt, List<ChatMessage> messages,
                             int maxTokens, SamplingParams sampling, List<String> stop, boolean stream, ReplyTo replyTo,
                             long createdEpochMs, long deadlineEpochMs, Integer promptLogprobs) {
        this(schemaVersion, requestId, model, prompt, messages, maxTokens, sampling, stop, stream, replyTo,
                createdEpochMs, deadlineEpochMs, promptLogprobs, null, null, null, null);
    }
}
