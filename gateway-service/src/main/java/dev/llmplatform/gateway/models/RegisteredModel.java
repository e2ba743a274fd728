package dev.llmplatform.gateway.models;

import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.contracts.ModelEvent.State;
import dev.llmplatform.model.GenerationDefaults;

import java.util.Objects;

/**
 * A model the gateway knows: the version that serves (or, while none is ready, why not) and what
 * clients may want to know about it, as the registry topic announced it.
 *
 * @param contextLength 0 when unknown
 * @param evalLoss      NaN when unknown
 * @param defaults      the model's {@code generation_config.json}, used where a request leaves a setting out
 * @param event         the registry record it came from: state, progress, formats, pending version
 * @param reasoningParser how its reasoning is split from its answer ({@code deepseek_r1}, {@code qwen3}; see
 *                      {@code gateway.reasoning.ReasoningParsers}); null when it has none
 * @param reasoningEndTokenId the id of the token that closes its think block ({@code </think>} as an added token of
 *                      its tokenizer), for counting reasoning tokens exactly; -1 when unknown
 * @param toolCallParser how its tool calls are read and enforced ({@code hermes}, {@code llama3_json},
 *                      {@code mistral}; see {@code gateway.tools.ToolCallParsers}); null for the default, hermes
 */
public record RegisteredModel(String name, String version, String kind, long parameterCount, int contextLength,
                              double evalLoss, long createdEpochMs, GenerationDefaults defaults, ModelEvent event,
                              String reasoningParser, int reasoningEndTokenId, String toolCallParser) {

    public static final String DECODER = "decoder";

    public RegisteredModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        kind = kind == null ? DECODER : kind;
        defaults = defaults == null ? GenerationDefaults.NONE : defaults;
        reasoningParser = reasoningParser == null || reasoningParser.isBlank() ? null : reasoningParser.strip();
        reasoningEndTokenId = reasoningParser == null ? -1 : reasoningEndTokenId;
        toolCallParser = toolCallParser == null || toolCallParser.isBlank() ? null : toolCallParser.strip();
    }

    /** With the default tool-call parser. */
    public RegisteredModel(String name, String version, String kind, long parameterCount, int contextLength,
                           double evalLoss, long createdEpochMs, GenerationDefaults defaults, ModelEvent event,
                           String reasoningParser, int reasoningEndTokenId) {
        this(name, version, kind, parameterCount, contextLength, evalLoss, createdEpochMs, defaults, event,
                reasoningParser, reasoningEndTokenId, null);
    }

    /** A model without a reasoning parser. */
    public RegisteredModel(String name, String version, String kind, long parameterCount, int contextLength,
                           double evalLoss, long createdEpochMs, GenerationDefaults defaults, ModelEvent event) {
        this(name, version, kind, parameterCount, contextLength, evalLoss, createdEpochMs, defaults, event, null, -1);
    }

    /** A ready model known without a registry record (tests, fixtures). */
    public RegisteredModel(String name, String version, String kind, long parameterCount, int contextLength,
                           double evalLoss, long createdEpochMs, GenerationDefaults defaults) {
        this(name, version, kind, parameterCount, contextLength, evalLoss, createdEpochMs, defaults, null, null, -1);
    }

    public boolean canGenerate() {
        return DECODER.equals(kind);
    }

    public State state() {
        return event == null ? State.READY : event.state();
    }

    /** From a registry publication, with the generation defaults of its package when the store has it. */
    public static RegisteredModel of(ModelEvent event, GenerationDefaults defaults) {
        return of(event, defaults, null, -1);
    }

    /**
     * From a registry publication, with its package's generation defaults, reasoning parser (null: none) and the id
     * of the token closing its think block (-1: unknown).
     */
    public static RegisteredModel of(ModelEvent event, GenerationDefaults defaults, String reasoningParser,
                                     int reasoningEndTokenId) {
        return of(event, defaults, reasoningParser, reasoningEndTokenId, null);
    }

    /** {@link #of(ModelEvent, GenerationDefaults, String, int)} with its tool-call parser (null: the default). */
    public static RegisteredModel of(ModelEvent event, GenerationDefaults defaults, String reasoningParser,
                                     int reasoningEndTokenId, String toolCallParser) {
        return new RegisteredModel(event.name(), event.version(), event.kind(), event.parameterCount(),
                event.contextLength(), event.evalLoss(), event.publishedEpochMs(), defaults, event, reasoningParser,
                reasoningEndTokenId, toolCallParser);
    }
}
