package dev.llmplatform.training.registry;

import dev.llmplatform.model.ModelLayout;

import java.nio.file.Path;

/** Converts a Hugging Face checkpoint folder into a served ONNX graph (the converters of model-format). */
@FunctionalInterface
interface CheckpointConversion {

    /** Where a conversion is: 0..1 and the step it is in. */
    @FunctionalInterface
    interface Progress {
        void report(double fraction, String step);
    }

    /**
     * Writes {@code model.onnx} and its external data into {@code outputDir} (atomically) from the
     * checkpoint in {@code layout.dir()}, which it only reads.
     *
     * @return the number of weights converted
     */
    long convert(ModelLayout layout, Path outputDir, String weightFormat, Progress progress) throws Exception;
}
