package dev.llmplatform.convert;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@link CheckpointConverter#convert} produced.
 *
 * @param architecture   the family as named in config.json's {@code architectures} (e.g. {@code Qwen2ForCausalLM})
 * @param family         the mapping used (see {@link Architecture})
 * @param parameterCount weights read from the checkpoint, a tied head counted once, buffers not counted
 * @param onnx           {@code model.onnx} in the output folder
 * @param data           {@code model.onnx.data} beside it
 * @param dataBytes      size of the data file
 * @param notes          things the user should know that did not stop the conversion (e.g. an unapplied sliding window)
 */
public record ConversionResult(String architecture, Architecture family, long parameterCount, WeightFormat format,
                               Path onnx, Path data, long dataBytes, Duration elapsed, List<String> notes) {
}
