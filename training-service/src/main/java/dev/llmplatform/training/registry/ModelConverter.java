package dev.llmplatform.training.registry;

import dev.llmplatform.convert.CheckpointConverter;
import dev.llmplatform.convert.WeightFormat;
import dev.llmplatform.model.ModelLayout;

import java.nio.file.Path;

/** Checkpoint conversion through model-format's {@link CheckpointConverter}, with the folder's quantization choices. */
final class ModelConverter implements CheckpointConversion {

    private final CheckpointConverter converter = new CheckpointConverter();

    @Override
    public long convert(ModelLayout layout, Path outputDir, String weightFormat, Progress progress) {
        WeightFormat format = WeightFormat.parse(weightFormat);
        return converter.convert(layout.dir(), outputDir, format, format.quantization(layout.settings().quantization()),
                progress::report).parameterCount();
    }
}
