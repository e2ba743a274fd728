package dev.llmplatform.convert;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.safetensors.Dtype;
import dev.llmplatform.model.safetensors.SafetensorsCheckpoint;
import dev.llmplatform.model.safetensors.SafetensorsReader;
import dev.llmplatform.onnx.DecoderSpec;
import dev.llmplatform.onnx.DecoderTensors;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The graph's tensors ({@link DecoderTensors}) read from a Hugging Face checkpoint through one
 * family's mapping ({@link Architecture#source}): each is mapped from its shard, converted to float32
 * and re-laid out when the writer asks for it, so no more than one tensor is on the heap (a
 * transpose is read straight from the mapping). {@link #validate()} checks every tensor the graph will need before anything is
 * written: present, a float dtype, the shape config.json implies; and that the checkpoint holds no
 * weights the mapping would silently drop.
 */
final class CheckpointTensors implements DecoderTensors {

    private final SafetensorsCheckpoint checkpoint;
    private final Architecture family;
    private final DecoderSpec spec;
    private final Map<String, long[]> expected;
    private final String prefix;
    private final ConversionProgress progress;
    private final double totalElements;
    private long doneElements;

    CheckpointTensors(SafetensorsCheckpoint checkpoint, Architecture family, DecoderSpec spec, boolean quantizedTiedHead,
                      ConversionProgress progress) {
        this.checkpoint = checkpoint;
        this.family = family;
        this.spec = spec;
        this.expected = expectedTensors(spec);
        this.prefix = family.prefix(checkpoint.names());
        this.progress = progress;
        long total = expected.values().stream().mapToLong(CheckpointTensors::elements).sum();
        ModelConfig c = spec.config();
        this.totalElements = total + (quantizedTiedHead ? (double) c.vocabSize() * c.hidden() : 0);
    }

    /**
     * Every tensor the graph writer asks for, with the shape in the graph's layout, in the order it
     * asks (see {@link DecoderTensors} for names and layouts).
     */
    static Map<String, long[]> expectedTensors(DecoderSpec spec) {
        ModelConfig c = spec.config();
        long h = c.hidden();
        long inter = spec.intermediate();
        boolean gpt2 = spec.block() == DecoderSpec.Block.GPT2;
        Map<String, long[]> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        if (gpt2) {
            t.put("model.embed_positions.weight", new long[] {c.contextLength(), h});
        }
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            norm(t, p + "input_layernorm", h, gpt2);
            linear(t, p + "self_attn.q_proj", h, spec.qDim(), spec.qkvBias());
            linear(t, p + "self_attn.k_proj", h, spec.kvDim(), spec.qkvBias());
            linear(t, p + "self_attn.v_proj", h, spec.kvDim(), spec.qkvBias());
            if (spec.qkNorm()) {
                t.put(p + "self_attn.q_norm.weight", new long[] {c.headDim()});
                t.put(p + "self_attn.k_norm.weight", new long[] {c.headDim()});
            }
            linear(t, p + "self_attn.o_proj", spec.qDim(), h, spec.outputBias());
            norm(t, p + "post_attention_layernorm", h, gpt2);
            if (!gpt2) {
                linear(t, p + "mlp.gate_proj", h, inter, spec.mlpBias());
            }
            linear(t, p + "mlp.up_proj", h, inter, spec.mlpBias());
            linear(t, p + "mlp.down_proj", inter, h, spec.mlpBias());
        }
        norm(t, "model.norm", h, gpt2);
        if (!c.tieWordEmbeddings()) {
            t.put("lm_head.weight", new long[] {h, c.vocabSize()});
        }
        return t;
    }

    private static void norm(Map<String, long[]> t, String prefix, long width, boolean bias) {
        t.put(prefix + ".weight", new long[] {width});
        if (bias) {
            t.put(prefix + ".bias", new long[] {width});
        }
    }

    private static void linear(Map<String, long[]> t, String prefix, long in, long out, boolean bias) {
        t.put(prefix + ".weight", new long[] {in, out});
        if (bias) {
            t.put(prefix + ".bias", new long[] {out});
        }
    }

    /** Fails with a user-facing message on the first tensor that is missing, not float, or misshapen, or on unused weights. */
    void validate() {
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Architecture.Source source = family.source(e.getKey(), prefix);
            used.add(source.name());
            if (!checkpoint.contains(source.name())) {
                throw new CheckpointException(checkpointFile() + ": tensor " + source.name() + " is missing (the "
                        + family.architectureName() + " mapping needs it" + (e.getKey().equals(source.name()) ? ""
                        : " for " + e.getKey()) + ")");
            }
            SafetensorsReader.Entry entry = entry(source.name());
            String file = file(source.name());
            if (Dtype.floatType(entry.dtype()) == null) {
                throw new CheckpointException(file + ": tensor " + source.name() + " is " + entry.dtype()
                        + "; only F32, F16 and BF16 weights are converted");
            }
            long[] want = source.checkpointShape(e.getValue());
            if (!Arrays.equals(entry.shape(), want)) {
                throw new CheckpointException(file + ": tensor " + source.name() + " has shape " + Arrays.toString(entry.shape())
                        + " but config.json implies " + Arrays.toString(want) + " (" + sizes() + ")");
            }
        }
        Set<String> unused = new TreeSet<>(checkpoint.names());
        unused.removeAll(used);
        unused.removeIf(Architecture::ignorable);
        if (spec.config().tieWordEmbeddings()) {
            unused.remove("lm_head.weight");
        }
        if (!unused.isEmpty()) {
            List<String> shown = unused.stream().limit(5).toList();
            throw new CheckpointException(checkpointFile() + ": " + unused.size() + " tensor(s) not used by the "
                    + family.architectureName() + " mapping, e.g. " + shown + " (a variant of the family this converter "
                    + "does not know, or a config.json that does not match the weights)");
        }
    }

    /** Weights the checkpoint contributes: each distinct checkpoint tensor once (fused c_attn once, a tied head once). */
    long parameterCount() {
        Map<String, Long> bySource = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            Architecture.Source s = family.source(name, prefix);
            bySource.put(s.name(), elements(s.checkpointShape(expected.get(name))));
        }
        return bySource.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public float[] get(String name, long... shape) {
        long[] want = expected.get(name);
        if (want == null || !Arrays.equals(want, shape)) {
            throw new IllegalStateException("the graph asked for " + name + " " + Arrays.toString(shape)
                    + ", which the checked list has as " + Arrays.toString(want));
        }
        Architecture.Source s = family.source(name, prefix);
        progress.update(Math.min(0.95, 0.05 + 0.9 * doneElements / totalElements), "converting " + name);
        try {
            float[] values = switch (s.layout()) {
                case AS_IS -> checkpoint.floats(s.name());
                case TRANSPOSE -> checkpoint.floatsTransposed(s.name());   // straight from the mapping: one array
                case COLUMNS -> columns(checkpoint.floats(s.name()), (int) shape[0], (int) shape[1], s.part(), s.parts());
                case SLICE -> Arrays.copyOfRange(checkpoint.floats(s.name()), (int) (s.part() * shape[0]),
                        (int) ((s.part() + 1) * shape[0]));
            };
            doneElements += elements(shape);
            return values;
        } catch (IOException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
    }

    /** Columns part·out .. (part+1)·out of a row-major [in, parts·out] matrix. */
    static float[] columns(float[] m, int in, int out, int part, int parts) {
        float[] c = new float[in * out];
        for (int i = 0; i < in; i++) {
            System.arraycopy(m, i * parts * out + part * out, c, i * out, out);
        }
        return c;
    }

    private String sizes() {
        ModelConfig c = spec.config();
        return "hidden_size " + c.hidden() + ", num_attention_heads " + c.heads() + ", num_key_value_heads " + c.kvHeads()
                + ", head_dim " + c.headDim() + ", intermediate_size " + spec.intermediate() + ", vocab_size "
                + c.vocabSize() + (spec.block() == DecoderSpec.Block.GPT2 ? ", n_positions " + c.contextLength() : "");
    }

    private String checkpointFile() {
        return checkpoint.dir().resolve(checkpoint.names().isEmpty() || !checkpointSharded()
                ? SafetensorsCheckpoint.SINGLE_FILE : SafetensorsCheckpoint.INDEX_FILE).toString();
    }

    private boolean checkpointSharded() {
        return java.nio.file.Files.exists(checkpoint.dir().resolve(SafetensorsCheckpoint.INDEX_FILE));
    }

    private SafetensorsReader.Entry entry(String name) {
        try {
            return checkpoint.entry(name);
        } catch (IOException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
    }

    private String file(String name) {
        try {
            return checkpoint.fileOf(name).toString();
        } catch (IOException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
    }

    private static long elements(long[] shape) {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }
}
