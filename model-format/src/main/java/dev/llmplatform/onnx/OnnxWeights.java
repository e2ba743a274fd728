package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link LlamaWeights} back out of a float32 decoder graph written by {@link LlamaOnnxWriter}
 * (initializers named after the HF modules, {@code [in, out]} layout), so a packaged model, e.g. the
 * trained starter, can be re-exported quantized or as safetensors without its training checkpoint.
 */
public final class OnnxWeights {

    private OnnxWeights() {
    }

    public static LlamaWeights read(Path onnx, ModelConfig config) throws IOException {
        try (InputStream in = Files.newInputStream(onnx)) {
            return read(OnnxMl.ModelProto.parseFrom(in), config);
        }
    }

    public static LlamaWeights read(OnnxMl.ModelProto model, ModelConfig c) {
        Map<String, TensorProto> init = new HashMap<>();
        model.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), t));
        int h = c.hidden();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediate();
        List<LlamaWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i;
            layers.add(new LlamaWeights.Layer(
                    floats(init, p + ".input_layernorm.weight", h),
                    floats(init, p + ".self_attn.q_proj.weight", h, h),
                    floats(init, p + ".self_attn.k_proj.weight", h, kv),
                    floats(init, p + ".self_attn.v_proj.weight", h, kv),
                    floats(init, p + ".self_attn.o_proj.weight", h, h),
                    floats(init, p + ".post_attention_layernorm.weight", h),
                    floats(init, p + ".mlp.gate_proj.weight", h, inter),
                    floats(init, p + ".mlp.up_proj.weight", h, inter),
                    floats(init, p + ".mlp.down_proj.weight", inter, h)));
        }
        float[] head = c.tieWordEmbeddings() ? null : floats(init, "lm_head.weight", h, c.vocabSize());
        return new LlamaWeights(c, floats(init, "model.embed_tokens.weight", c.vocabSize(), h), layers,
                floats(init, "model.norm.weight", h), head);
    }

    private static float[] floats(Map<String, TensorProto> init, String name, long... dims) {
        TensorProto t = init.get(name);
        if (t == null) {
            throw new IllegalArgumentException("graph has no float32 initializer " + name
                    + " (only float32 graphs written by LlamaOnnxWriter can be read back)");
        }
        if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber() || !Arrays.equals(
                t.getDimsList().stream().mapToLong(Long::longValue).toArray(), dims)) {
            throw new IllegalArgumentException(name + ": expected float32 " + Arrays.toString(dims) + ", got type "
                    + t.getDataType() + " dims " + t.getDimsList());
        }
        if (!t.getRawData().isEmpty()) {
            float[] out = new float[t.getRawData().size() / Float.BYTES];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }
}
