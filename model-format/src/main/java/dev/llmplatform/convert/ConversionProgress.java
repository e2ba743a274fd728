package dev.llmplatform.convert;

/**
 * Progress of one conversion: {@code fraction} grows from 0 to 1 (1 only once the output is in
 * place); {@code step} says what runs now ("reading config.json", "checking tensors",
 * "converting model.layers.3.mlp.up_proj.weight", "moving into place", "done"). Called on the
 * converting thread, once per tensor; keep it cheap. An exception thrown from it cancels the
 * conversion: it propagates out of {@link CheckpointConverter#convert} and the temporary output is removed.
 */
@FunctionalInterface
public interface ConversionProgress {

    ConversionProgress NONE = (fraction, step) -> {
    };

    void update(double fraction, String step);
}
