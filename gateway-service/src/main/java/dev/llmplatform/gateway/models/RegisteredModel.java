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
 */
public record RegisteredModel(String name, String version, String kind, long parameterCount, int contextLength,
                              double evalLoss, long createdEpochMs, GenerationDefaults defaults, ModelEvent event) {

    public static final String DECODER = "decoder";

    public RegisteredModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        kind = kind == null ? DECODER : kind;
        defaults = defaults == null ? GenerationDefaults.NONE : defaults;
    }

    /** A ready model known without a registry record (tests, fixtures). */
    public RegisteredModel(String name, String version, String kind, long parameterCount, int contextLength,
                           double evalLoss, long createdEpochMs, GenerationDefaults defaults) {
        this(name, version, kind, parameterCount, contextLength, evalLoss, createdEpochMs, defaults, null);
    }

    public boolean canGenerate() {
        return DECODER.equals(kind);
    }

    public State state() {
        return event == null ? State.READY : event.state();
    }

    /** From a registry publication, with the generation defaults of its package when the store has it. */
    public static RegisteredModel of(ModelEvent event, GenerationDefaults defaults) {
        return new RegisteredModel(event.name(), event.version(), event.kind(), event.parameterCount(),
                event.contextLength(), event.evalLoss(), event.publishedEpochMs(), defaults, event);
    }
}
