package dev.llmplatform.gateway.models;

import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.model.GenerationDefaults;
import dev.llmplatform.model.ModelPackage;

import java.util.Objects;

/**
 * A model the gateway serves: its latest version and what clients may want to know about it.
 *
 * @param contextLength 0 when unknown
 * @param evalLoss      NaN when unknown
 * @param defaults      the model's {@code generation_config.json}, used where a request leaves a setting out
 */
public record RegisteredModel(String name, String version, String kind, long parameterCount, int contextLength,
                              double evalLoss, long createdEpochMs, GenerationDefaults defaults) {

    public static final String DECODER = "decoder";

    public RegisteredModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        kind = kind == null ? DECODER : kind;
        defaults = defaults == null ? GenerationDefaults.NONE : defaults;
    }

    public boolean canGenerate() {
        return DECODER.equals(kind);
    }

    /** From a package in the store; config.json is optional knowledge here (encoders have their own). */
    public static RegisteredModel of(ModelPackage pkg) {
        int contextLength;
        try {
            contextLength = pkg.contextLength();
        } catch (RuntimeException e) {
            contextLength = 0;
        }
        GenerationDefaults defaults;
        try {
            defaults = pkg.generationDefaults();
        } catch (RuntimeException e) {
            defaults = GenerationDefaults.NONE;
        }
        var manifest = pkg.manifest();
        return new RegisteredModel(pkg.name(), pkg.version(), pkg.kind(), manifest.parameterCount(), contextLength,
                manifest.evalLoss(), manifest.createdEpochMs(), defaults);
    }

    /** From a registry publication, with the generation defaults of its package when the store has it. */
    public static RegisteredModel of(ModelEvent event, GenerationDefaults defaults) {
        return new RegisteredModel(event.name(), event.version(), event.kind(), event.parameterCount(),
                event.contextLength(), event.evalLoss(), event.publishedEpochMs(), defaults);
    }
}
