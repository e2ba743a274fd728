package dev.llmplatform.training.registry;

import dev.llmplatform.model.ModelLayout;

import java.nio.file.Path;

/** Checkpoint conversion through model-format's converters. */
final class ModelConverter implements CheckpointConversion {

    @Override
    public long convert(ModelLayout layout, Path outputDir, String weightFormat, Progress progress) {
        throw new UnsupportedOperationException("checkpoint conversion is being wired in");
    }
}
