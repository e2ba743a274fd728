package dev.llmplatform.model.safetensors;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;
import tools.jackson.core.type.TypeReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code LlamaForCausalLM} checkpoint from {@link LlamaWeights} and back:
 * {@code model.safetensors} (float32) and {@code config.json}, loadable by {@code transformers}
 * and by JVM engines that read HF checkpoints (Jlama).
 *
 * <p>Names are HF's ({@code model.embed_tokens.weight}, {@code model.layers.{i}.self_attn.q_proj.weight},
 * {@code ...input_layernorm.weight}, {@code ...mlp.gate_proj.weight}, {@code model.norm.weight},
 * {@code lm_head.weight} unless tied). Linear weights are stored {@code [out, in]} like PyTorch's
 * {@code nn.Linear.weight}, i.e. the transpose of our {@code [in, out]}.
 *
 * <p>Rotary embeddings: our weights already use HF's "rotate half" pairing (dimension i with
 * i + headDim/2), so q_proj and k_proj are written as they are. The permutation that HF's
 * {@code convert_llama_weights_to_hf.py} applies is for Meta's interleaved checkpoints only.
 */
public final class HuggingFaceExport {

    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";

    private HuggingFaceExport() {
    }

    public static void write(LlamaWeights w, Path dir) throws IOException {
        write(w, dir, Dtype.F32, 1);
    }

    /**
     * Writes the checkpoint with every tensor stored as {@code dtype} (rounded to nearest even), in
     * one {@code model.safetensors} or, for {@code shards > 1}, in {@code model-0000i-of-0000n.safetensors}
     * files listed by {@code model.safetensors.index.json} as {@code transformers} shards them.
     */
    public static void write(LlamaWeights w, Path dir, Dtype dtype, int shards) throws IOException {
        ModelConfig c = w.config();
        int h = c.hidden();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediate();
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        tensors.add(SafetensorsWriter.tensor("model.embed_tokens.weight", w.embedding(), c.vocabSize(), h));
        for (int i = 0; i < c.layers(); i++) {
            LlamaWeights.Layer l = w.layers().get(i);
            String p = "model.layers." + i + ".";
            tensors.add(SafetensorsWriter.tensor(p + "input_layernorm.weight", l.inputNorm(), h));
            tensors.add(transposed(p + "self_attn.q_proj.weight", l.wq(), h, h));
            tensors.add(transposed(p + "self_attn.k_proj.weight", l.wk(), h, kv));
            tensors.add(transposed(p + "self_attn.v_proj.weight", l.wv(), h, kv));
            tensors.add(transposed(p + "self_attn.o_proj.weight", l.wo(), h, h));
            tensors.add(SafetensorsWriter.tensor(p + "post_attention_layernorm.weight", l.postAttentionNorm(), h));
            tensors.add(transposed(p + "mlp.gate_proj.weight", l.wGate(), h, inter));
            tensors.add(transposed(p + "mlp.up_proj.weight", l.wUp(), h, inter));
            tensors.add(transposed(p + "mlp.down_proj.weight", l.wDown(), inter, h));
        }
        tensors.add(SafetensorsWriter.tensor("model.norm.weight", w.finalNorm(), h));
        if (w.lmHead() != null) {
            tensors.add(transposed("lm_head.weight", w.lmHead(), h, c.vocabSize()));
        }
        Files.createDirectories(dir);
        tensors.replaceAll(t -> t.as(dtype));
        Map<String, Object> config = hfConfig(c);
        config.put("torch_dtype", switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
        });
        writeShards(dir, tensors, shards);
        Files.writeString(dir.resolve(CONFIG_FILE), Messages.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(config));
    }

    /** One file, or {@code shards} files of consecutive tensors plus the index that maps names to them. */
    public static void writeShards(Path dir, List<SafetensorsWriter.Tensor> tensors, int shards) throws IOException {
        if (shards <= 1) {
            SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
            return;
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        long totalSize = 0;
        int perShard = (tensors.size() + shards - 1) / shards;
        for (int s = 0; s < shards; s++) {
            List<SafetensorsWriter.Tensor> part = tensors.subList(Math.min(tensors.size(), s * perShard),
                    Math.min(tensors.size(), (s + 1) * perShard));
            String file = "model-%05d-of-%05d.safetensors".formatted(s + 1, shards);
            SafetensorsWriter.write(dir.resolve(file), part, Map.of("format", "pt"));
            for (SafetensorsWriter.Tensor t : part) {
                weightMap.put(t.name(), file);
                totalSize += t.elements() * t.dtype().bytes();
            }
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", totalSize));
        index.put("weight_map", weightMap);
        Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE),
                Messages.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(index));
    }

    /** Reads a checkpoint written by {@link #write} (or any float32 Llama safetensors with HF names). */
    public static LlamaWeights read(Path dir) throws IOException {
        ModelConfig c = Messages.mapper().readValue(dir.resolve(CONFIG_FILE).toFile(), ModelConfig.class);
        int h = c.hidden();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediate();
        try (SafetensorsCheckpoint r = SafetensorsCheckpoint.open(dir)) {
            List<LlamaWeights.Layer> layers = new ArrayList<>();
            for (int i = 0; i < c.layers(); i++) {
                String p = "model.layers." + i + ".";
                layers.add(new LlamaWeights.Layer(r.floats(p + "input_layernorm.weight"),
                        transpose(r.floats(p + "self_attn.q_proj.weight"), h, h),
                        transpose(r.floats(p + "self_attn.k_proj.weight"), kv, h),
                        transpose(r.floats(p + "self_attn.v_proj.weight"), kv, h),
                        transpose(r.floats(p + "self_attn.o_proj.weight"), h, h),
                        r.floats(p + "post_attention_layernorm.weight"),
                        transpose(r.floats(p + "mlp.gate_proj.weight"), inter, h),
                        transpose(r.floats(p + "mlp.up_proj.weight"), inter, h),
                        transpose(r.floats(p + "mlp.down_proj.weight"), h, inter)));
            }
            float[] head = c.tieWordEmbeddings() ? null : transpose(r.floats("lm_head.weight"), c.vocabSize(), h);
            return new LlamaWeights(c, r.floats("model.embed_tokens.weight"), layers, r.floats("model.norm.weight"), head);
        }
    }

    /** Our config plus the keys {@code transformers} expects of a Llama (activation, biases, head_dim). */
    static Map<String, Object> hfConfig(ModelConfig c) {
        Map<String, Object> json = new LinkedHashMap<>(Messages.mapper().convertValue(c, new TypeReference<Map<String, Object>>() {
        }));
        json.put("hidden_act", "silu");
        json.put("head_dim", c.headDim());
        json.put("attention_bias", false);
        json.put("mlp_bias", false);
        json.put("attention_dropout", 0.0);
        json.put("initializer_range", 0.02);
        json.put("pretraining_tp", 1);
        json.put("rope_scaling", null);
        json.put("use_cache", true);
        return json;
    }

    /** Our row-major [in, out] written as HF's [out, in]. */
    private static SafetensorsWriter.Tensor transposed(String name, float[] w, int in, int out) {
        return new SafetensorsWriter.Tensor(name, new long[] {out, in}, (start, chunk) -> {
            for (int j = 0; j < chunk.length; j++) {
                long e = start + j;
                int o = (int) (e / in);
                int i = (int) (e % in);
                chunk[j] = w[i * out + o];
            }
        });
    }

    /** A row-major [rows, cols] matrix as [cols, rows]. */
    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = m[r * cols + col];
            }
        }
        return t;
    }
}
