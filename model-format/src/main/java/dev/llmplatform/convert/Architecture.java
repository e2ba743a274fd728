package dev.llmplatform.convert;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.onnx.DecoderSpec;
import tools.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Hugging Face families the converter reads, and how each maps onto the graph
 * ({@link DecoderSpec}) and its tensor names ({@link dev.llmplatform.onnx.DecoderTensors}). This is
 * the one place to look up "how is Qwen3 mapped":
 *
 * <table>
 *   <tr><th>family</th><th>config.json</th><th>block</th><th>tensors</th></tr>
 *   <tr><td>LLAMA</td><td>LlamaForCausalLM / llama (Llama 2/3, SmolLM2, TinyLlama)</td><td>Llama; q/k/v and o biases
 *       when {@code attention_bias}, MLP biases when {@code mlp_bias}</td><td>HF names = graph names; Linear
 *       {@code [out, in]} transposed</td></tr>
 *   <tr><td>MISTRAL</td><td>MistralForCausalLM / mistral</td><td>Llama (sliding window not applied, noted)</td>
 *       <td>as Llama</td></tr>
 *   <tr><td>QWEN2</td><td>Qwen2ForCausalLM / qwen2 (Qwen2, Qwen2.5)</td><td>Llama with q/k/v biases (o_proj none)</td>
 *       <td>as Llama</td></tr>
 *   <tr><td>QWEN3</td><td>Qwen3ForCausalLM / qwen3</td><td>Llama with {@code q_norm}/{@code k_norm}: RMSNorm over
 *       head_dim per head, before RoPE; explicit head_dim</td><td>as Llama</td></tr>
 *   <tr><td>GPT2</td><td>GPT2LMHeadModel / gpt2</td><td>GPT-2: LayerNorm, learned positions, gelu_new, tied head</td>
 *       <td>{@code [transformer.]wte, wpe, h.{i}.ln_1, attn.c_attn} (Conv1D {@code [in, out]}, split q|k|v),
 *       {@code attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj, ln_f}; {@code attn.bias}/{@code masked_bias} buffers ignored</td></tr>
 * </table>
 * Every family ties the head to the embedding when {@code tie_word_embeddings} says so; {@code lm_head.weight}
 * is then not needed (and ignored when present). Rotary scaling: {@link RopeScaling}.
 */
public enum Architecture {
    LLAMA("LlamaForCausalLM", "llama"),
    MISTRAL("MistralForCausalLM", "mistral"),
    QWEN2("Qwen2ForCausalLM", "qwen2"),
    QWEN3("Qwen3ForCausalLM", "qwen3"),
    GPT2("GPT2LMHeadModel", "gpt2");

    /** Where a graph tensor comes from in the checkpoint and how its layout changes on the way. */
    public record Source(String name, Layout layout, int part, int parts) {
        static Source of(String name, Layout layout) {
            return new Source(name, layout, 0, 1);
        }

        /** The checkpoint shape that yields a graph tensor of {@code shape}. */
        public long[] checkpointShape(long[] shape) {
            return switch (layout) {
                case AS_IS -> shape;
                case TRANSPOSE -> new long[] {shape[1], shape[0]};
                case COLUMNS -> new long[] {shape[0], shape[1] * parts};
                case SLICE -> new long[] {shape[0] * parts};
            };
        }
    }

    /**
     * AS_IS: same values and shape. TRANSPOSE: PyTorch's Linear {@code [out, in]} to the graph's {@code [in, out]}.
     * COLUMNS: columns {@code part·out .. (part+1)·out} of a Conv1D {@code [in, parts·out]} (GPT-2's fused c_attn).
     * SLICE: elements {@code part·n .. (part+1)·n} of a vector (c_attn's bias).
     */
    public enum Layout { AS_IS, TRANSPOSE, COLUMNS, SLICE }

    private static final Pattern IGNORED = Pattern.compile(
            "(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)|model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");

    private final String architecture;
    private final String modelType;

    Architecture(String architecture, String modelType) {
        this.architecture = architecture;
        this.modelType = modelType;
    }

    /** The class name in config.json's {@code architectures}. */
    public String architectureName() {
        return architecture;
    }

    public String modelType() {
        return modelType;
    }

    /**
     * The family a config.json names: by {@code architectures[0]} when given, else by {@code model_type};
     * a {@code model_type} that disagrees with a known class is refused too.
     */
    public static Architecture of(JsonNode raw) {
        JsonNode architectures = raw.get("architectures");
        JsonNode modelType = raw.get("model_type");
        Optional<Architecture> byType = Optional.empty();
        if (modelType != null && !modelType.isNull()) {
            byType = Arrays.stream(values()).filter(a -> a.modelType.equals(modelType.asString())).findFirst();
            if (byType.isEmpty()) {
                throw new CheckpointException("config.json: model_type '" + modelType.asString() + "' is not supported (supported: "
                        + String.join(", ", Arrays.stream(values()).map(Architecture::modelType).toList()) + ")");
            }
        }
        if (architectures != null && architectures.isArray() && !architectures.isEmpty()) {
            String name = architectures.get(0).asString();
            return Arrays.stream(values()).filter(a -> a.architecture.equals(name)).findFirst()
                    .orElseThrow(() -> new CheckpointException("config.json: architectures '" + name
                            + "' is not supported (supported: " + String.join(", ",
                            Arrays.stream(values()).map(Architecture::architectureName).toList()) + ")"));
        }
        return byType.orElseThrow(() -> new CheckpointException(
                "config.json: neither architectures nor model_type names the model family"));
    }

    /** The graph this family's config describes; refusals name the config.json field. */
    public DecoderSpec spec(ModelConfig c, JsonNode raw, List<String> notes) {
        if (this == GPT2) {
            requireValue(raw, "activation_function", "gelu_new", Set.of("gelu_new", "gelu_pytorch_tanh"));
            if (raw.path("scale_attn_by_inverse_layer_idx").asBoolean(false)) {
                throw new CheckpointException("config.json: scale_attn_by_inverse_layer_idx 'true' is not supported");
            }
            int inter = c.intermediate() > 0 ? c.intermediate() : 4 * c.hidden();
            return new DecoderSpec(c, DecoderSpec.Block.GPT2, inter, true, true, true, false, null);
        }
        requireValue(raw, "hidden_act", "silu", Set.of("silu"));
        boolean attentionBias = raw.path("attention_bias").asBoolean(false);
        boolean mlpBias = raw.path("mlp_bias").asBoolean(false);
        slidingWindowNote(c, raw, notes);
        float[] invFreq = RopeScaling.invFreq(c);
        return switch (this) {
            case QWEN2 -> new DecoderSpec(c, DecoderSpec.Block.LLAMA, c.intermediate(), true, false, false, false, invFreq);
            case QWEN3 -> new DecoderSpec(c, DecoderSpec.Block.LLAMA, c.intermediate(), attentionBias, attentionBias,
                    false, true, invFreq);
            default -> new DecoderSpec(c, DecoderSpec.Block.LLAMA, c.intermediate(), attentionBias, attentionBias,
                    mlpBias, false, invFreq);
        };
    }

    /**
     * Where graph tensor {@code name} comes from; {@code prefix} is GPT-2's optional {@code transformer.}
     * (see {@link #prefix}).
     */
    public Source source(String name, String prefix) {
        if (this != GPT2) {
            boolean linear = name.endsWith("_proj.weight") || name.equals("lm_head.weight");
            return Source.of(name, linear ? Layout.TRANSPOSE : Layout.AS_IS);
        }
        switch (name) {
            case "model.embed_tokens.weight":
                return Source.of(prefix + "wte.weight", Layout.AS_IS);
            case "model.embed_positions.weight":
                return Source.of(prefix + "wpe.weight", Layout.AS_IS);
            case "model.norm.weight", "model.norm.bias":
                return Source.of(prefix + "ln_f." + suffix(name), Layout.AS_IS);
            case "lm_head.weight":
                return Source.of(name, Layout.TRANSPOSE);
            default:
                break;
        }
        var m = LAYER.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("GPT-2 has no tensor for " + name);
        }
        String h = prefix + "h." + m.group(1) + ".";
        String module = m.group(2).substring(0, m.group(2).lastIndexOf('.'));
        String suffix = suffix(name);
        boolean weight = suffix.equals("weight");
        return switch (module) {
            case "input_layernorm" -> Source.of(h + "ln_1." + suffix, Layout.AS_IS);
            case "post_attention_layernorm" -> Source.of(h + "ln_2." + suffix, Layout.AS_IS);
            case "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj" -> new Source(h + "attn.c_attn." + suffix,
                    weight ? Layout.COLUMNS : Layout.SLICE, "qkv".indexOf(module.charAt("self_attn.".length())), 3);
            case "self_attn.o_proj" -> Source.of(h + "attn.c_proj." + suffix, Layout.AS_IS);
            case "mlp.up_proj" -> Source.of(h + "mlp.c_fc." + suffix, Layout.AS_IS);
            case "mlp.down_proj" -> Source.of(h + "mlp.c_proj." + suffix, Layout.AS_IS);
            default -> throw new IllegalArgumentException("GPT-2 has no tensor for " + name);
        };
    }

    /** GPT-2 checkpoints name tensors with or without {@code transformer.}; the others have no prefix. */
    public String prefix(Set<String> checkpointNames) {
        return this == GPT2 && checkpointNames.contains("transformer.wte.weight") ? "transformer." : "";
    }

    /** Checkpoint tensors that are buffers, not weights (causal-mask and rotary caches some exports keep). */
    public static boolean ignorable(String checkpointName) {
        return IGNORED.matcher(checkpointName).matches();
    }

    private static String suffix(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static void requireValue(JsonNode raw, String field, String fallback, Set<String> allowed) {
        JsonNode v = raw.get(field);
        String value = v == null || v.isNull() ? fallback : v.asString();
        if (!allowed.contains(value)) {
            throw new CheckpointException("config.json: " + field + " '" + value + "' is not supported (supported: "
                    + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
    }

    private void slidingWindowNote(ModelConfig c, JsonNode raw, List<String> notes) {
        JsonNode window = raw.get("sliding_window");
        boolean used = this == MISTRAL || raw.path("use_sliding_window").asBoolean(false);
        if (used && window != null && window.isNumber() && window.asInt() < c.contextLength()) {
            notes.add("config.json: sliding_window " + window.asInt() + " is not applied; outputs match the model "
                    + "for sequences up to " + window.asInt() + " tokens");
        }
    }
}
