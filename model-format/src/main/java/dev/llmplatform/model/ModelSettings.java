package dev.llmplatform.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmplatform.contracts.Messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The optional {@code llm-platform.json} a user puts beside a model to say how it is served, e.g.
 * {@code {"weights": "int8"}} for a checkpoint, {@code {"onnx_file": "onnx/model_q4.onnx"}} for an
 * ONNX export with several variants. Every field is optional.
 *
 * @param weights  weight format a safetensors checkpoint is converted to: {@code fp32}, {@code int8}
 *                 or {@code int4}; null for the default ({@link #DEFAULT_WEIGHTS})
 * @param onnxFile the ONNX variant to serve, relative to the version folder; null for the default choice
 *                 ({@link OnnxVariants})
 * @param reasoningParser how the gateway splits the model's reasoning ({@code <think>…</think>}) from its
 *                 answer, by vLLM's parser names ({@code deepseek_r1}, {@code qwen3}); null for none
 * @param toolCallParser how the gateway reads the model's tool calls from its output, by vLLM's parser names
 *                 ({@code hermes}, {@code llama3_json}, {@code mistral}); null for the gateway's default
 * @param graphForm which decoder graph form the engine runs on CPU: {@code fused} (ONNX Runtime's
 *                 GroupQueryAttention, the KV cache written in place; a copy the platform writes of its own
 *                 float32 graphs) or {@code plain} (the graph as it is); null for the default, fused where the
 *                 graph allows it ({@code dev.llmplatform.onnx.FusedCopies})
 * @param kvPrecision the fused form's KV cache element type: {@code fp32} or {@code fp16} (the attention op then
 *                 runs in float16, {@code dev.llmplatform.onnx.KvPrecision}); {@code int8} is refused (ONNX Runtime's
 *                 CPU GroupQueryAttention has no quantized cache); null for {@link #DEFAULT_KV_PRECISION}. Each
 *                 precision has its own fused copy, so switching is safe. The plain form's cache is always fp32.
 * @param quantization how an int8/int4 conversion quantizes ({@link Quantization}); null for the measured defaults
 *                 (blocks of 128, symmetric, the LM head in the body's format). Each choice converts into its own
 *                 folder ({@link #conversionId()}), so changing it converts again and never serves a stale graph.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelSettings(@JsonProperty("weights") String weights, @JsonProperty("onnx_file") String onnxFile,
                            @JsonProperty("reasoning_parser") String reasoningParser,
                            @JsonProperty("tool_call_parser") String toolCallParser,
                            @JsonProperty("graph_form") String graphForm,
                            @JsonProperty("kv_precision") String kvPrecision,
                            @JsonProperty("quantization") Quantization quantization) {

    /**
     * A checkpoint conversion's quantization, beside {@code weights}: {@code {"block_size": 32, "lm_head": "int8",
     * "zero_points": true}}, each optional (llama.cpp's users pick Q4_0 or Q8_0 the same way). The defaults were
     * chosen by measurement (docs/benchmarks.md, "Quantized weights, revisited").
     *
     * @param blockSize  weights per MatMulNBits block: 16, 32, 64, 128 or 256 (smaller: closer to float32, slower)
     * @param lmHead     the LM head's format: {@code fp32}, {@code int8} or {@code int4} (a float32 head of a tied model
     *                   also keeps its float32 embedding)
     * @param zeroPoints true for asymmetric blocks (a zero point each), false for symmetric
     */
    public record Quantization(@JsonProperty("block_size") Integer blockSize, @JsonProperty("lm_head") String lmHead,
                               @JsonProperty("zero_points") Boolean zeroPoints) {

        public static final Set<Integer> BLOCK_SIZES = Set.of(16, 32, 64, 128, 256);

        public Quantization {
            if (blockSize != null && !BLOCK_SIZES.contains(blockSize)) {
                throw new IllegalArgumentException(ModelLayout.SETTINGS + ": quantization.block_size " + blockSize
                        + " is not one of 16, 32, 64, 128, 256");
            }
            if (lmHead != null && !WEIGHT_FORMATS.contains(lmHead)) {
                throw new IllegalArgumentException(ModelLayout.SETTINGS + ": quantization.lm_head '" + lmHead
                        + "' is not one of fp32, int8, int4");
            }
        }

        /** What the conversion folder's name adds for these choices: "" when none is made. */
        String suffix() {
            return (blockSize == null ? "" : "-b" + blockSize) + (lmHead == null ? "" : "-head-" + lmHead)
                    + (zeroPoints == null ? "" : zeroPoints ? "-zp" : "-sym");
        }
    }

    /** Weight format of a converted checkpoint when the user names none: int8 runs well on CPUs. */
    public static final String DEFAULT_WEIGHTS = "int8";
    public static final Set<String> WEIGHT_FORMATS = Set.of("fp32", "int8", "int4");
    public static final Set<String> GRAPH_FORMS = Set.of("plain", "fused");
    /** The fused form's KV cache precision when the user names none: chosen by FormBench (docs/benchmarks.md). */
    public static final String DEFAULT_KV_PRECISION = "fp32";
    public static final Set<String> KV_PRECISIONS = Set.of("fp32", "fp16");
    public static final ModelSettings NONE = new ModelSettings(null, null, null, null, null, null, null);

    public ModelSettings {
        if (weights != null && !WEIGHT_FORMATS.contains(weights)) {
            throw new IllegalArgumentException(ModelLayout.SETTINGS + ": weights '" + weights
                    + "' is not one of fp32, int8, int4");
        }
        if (graphForm != null && !GRAPH_FORMS.contains(graphForm)) {
            throw new IllegalArgumentException(ModelLayout.SETTINGS + ": graph_form '" + graphForm
                    + "' is not one of plain, fused");
        }
        if ("int8".equals(kvPrecision)) {
            throw new IllegalArgumentException(ModelLayout.SETTINGS + ": kv_precision 'int8' is not supported: ONNX Runtime's "
                    + "CPU GroupQueryAttention takes a float32 or float16 cache only; use fp32 or fp16");
        }
        if (kvPrecision != null && !KV_PRECISIONS.contains(kvPrecision)) {
            throw new IllegalArgumentException(ModelLayout.SETTINGS + ": kv_precision '" + kvPrecision
                    + "' is not one of fp32, fp16");
        }
        if ("fp16".equals(kvPrecision) && "plain".equals(graphForm)) {
            throw new IllegalArgumentException(ModelLayout.SETTINGS + ": kv_precision 'fp16' needs the fused graph form, "
                    + "graph_form is 'plain' (its cache is float32)");
        }
        if (quantization != null && "fp32".equals(weights)) {
            throw new IllegalArgumentException(ModelLayout.SETTINGS + ": quantization applies to int8 and int4 weights, "
                    + "weights is 'fp32'");
        }
    }

    /** Settings without quantization choices. */
    public ModelSettings(String weights, String onnxFile, String reasoningParser, String toolCallParser, String graphForm,
                         String kvPrecision) {
        this(weights, onnxFile, reasoningParser, toolCallParser, graphForm, kvPrecision, null);
    }

    /** Settings with the default KV precision. */
    public ModelSettings(String weights, String onnxFile, String reasoningParser, String toolCallParser, String graphForm) {
        this(weights, onnxFile, reasoningParser, toolCallParser, graphForm, null);
    }

    /** The fused form's KV cache precision: {@code fp32} or {@code fp16}. */
    public String kvPrecisionOrDefault() {
        return kvPrecision == null ? DEFAULT_KV_PRECISION : kvPrecision;
    }

    /** Settings with the default graph form. */
    public ModelSettings(String weights, String onnxFile, String reasoningParser, String toolCallParser) {
        this(weights, onnxFile, reasoningParser, toolCallParser, null);
    }

    /** False only when the user pinned the plain graph form. */
    public boolean fusedAllowed() {
        return !"plain".equals(graphForm);
    }

    /** Settings without a reasoning parser. */
    public ModelSettings(String weights, String onnxFile) {
        this(weights, onnxFile, null, null);
    }

    /** Settings with the default tool-call parser. */
    public ModelSettings(String weights, String onnxFile, String reasoningParser) {
        this(weights, onnxFile, reasoningParser, null);
    }

    /** The weight format to convert a checkpoint to. */
    public String weightFormat() {
        return weights == null ? DEFAULT_WEIGHTS : weights;
    }

    /**
     * Names a checkpoint's conversion: the weight format, then any quantization choice ({@code int4},
     * {@code int4-b32-head-int8}); the folder it is converted into ({@link ModelLayout#convertedDir()}) has this name.
     */
    public String conversionId() {
        return weightFormat() + (quantization == null ? "" : quantization.suffix());
    }

    /** The folder's settings; {@link #NONE} when it has no {@code llm-platform.json}. */
    public static ModelSettings read(Path versionDir) {
        Path file = versionDir.resolve(ModelLayout.SETTINGS);
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        try {
            return Messages.mapper().readValue(Files.readString(file), ModelSettings.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
