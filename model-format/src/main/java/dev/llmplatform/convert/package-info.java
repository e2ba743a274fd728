/**
 * Hugging Face checkpoints to ONNX, in Java: {@link dev.llmplatform.convert.CheckpointConverter} reads a
 * checkpoint folder ({@code config.json} + safetensors, F32/F16/BF16, sharded or not) and streams a decoder
 * graph with Optimum's names into {@code model.onnx} + {@code model.onnx.data}, in fp32 or block-quantized
 * int8/int4 ({@link dev.llmplatform.convert.WeightFormat}).
 *
 * <p>Which families are read and how each maps onto the graph: {@link dev.llmplatform.convert.Architecture}
 * (one table); rotary scaling: {@link dev.llmplatform.convert.RopeScaling}. Refusals are
 * {@link dev.llmplatform.convert.CheckpointException}s with messages meant for the user. No Spring.
 */
package dev.llmplatform.convert;
