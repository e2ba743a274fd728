package dev.llmplatform.training.registry;

import dev.llmplatform.convert.CheckpointConverter;
import dev.llmplatform.convert.WeightFormat;
import dev.llmplatform.model.ModelLayout;

import java.nio.file.Path;

/** Checkpoint conversion through model-format's {@link CheckpointConverter}. */
final class ModelConverter implements CheckpointConversion {

    private final CheckpointConverter converter = new CheckpointConverter();

    @Override
    public long convert(ModelLayout layout, Path outputDir, String weightFormat, Progress progress) {
        return converter.convert(layout.dir(), outputDir, WeightFormat.parse(weightFormat), progress::report)
                .parameterCount();
    }
}
