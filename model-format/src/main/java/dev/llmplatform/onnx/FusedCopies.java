package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelLayout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@link GraphForm#FUSED} copy of a plain graph this platform's writer made (a trained package's
 * {@code model.onnx}, a converted checkpoint in any weight format), written once into
 * {@code <version>/.llm-platform/fused/<graph>/model.onnx} and rewritten when the source changes. The copy is
 * the same writer run again over the source's own initializers (read by name, inline or external data), so
 * its weights are the source's bit for bit (block-quantized MatMulNBits weights are taken over as they are, with
 * the source's block size, zero points and accuracy level). Graphs of other producers and head dimensions the
 * fused kernel cannot take stay plain. A float16 KV cache ({@link KvPrecision#FP16}, {@code kv_precision} in
 * {@code llm-platform.json}) is a copy of its own, {@code fused/<graph>.kv-fp16}, so either setting finds its graph.
 */
public final class FusedCopies {

    private static final String SOURCE_STAMP = "source.json";

    private FusedCopies() {
    }

    /**
     * The fused copy of {@code graph}, made now when missing or stale; empty when the graph is not a plain
     * float32 graph of this writer or its shape does not suit the fused kernel (with the reason in
     * {@code why}, when given).
     */
    public static Optional<Path> servable(ModelLayout layout, Path graph, ModelConfig config, StringBuilder why) {
        return servable(layout, graph, config, KvPrecision.FP32, why);
    }

    /** As above, with the KV cache in {@code kv}: each precision is a copy of its own ({@link #copyDir}). */
    public static Optional<Path> servable(ModelLayout layout, Path graph, ModelConfig config, KvPrecision kv,
                                          StringBuilder why) {
        try {
            OnnxMl.ModelProto plain;
            try (InputStream in = Files.newInputStream(graph)) {
                plain = OnnxMl.ModelProto.parseFrom(in);
            }
            Optional<String> refusal = refusal(plain, config);
            if (refusal.isPresent()) {
                if (why != null) {
                    why.append(refusal.get());
                }
                return Optional.empty();
            }
            Path dir = copyDir(layout, graph, kv);
            Path copy = dir.resolve(ModelLayout.CONVERTED_GRAPH);
            String stamp = stamp(graph);
            if (Files.isRegularFile(copy) && Files.isRegularFile(dir.resolve(SOURCE_STAMP))
                    && stamp.equals(Files.readString(dir.resolve(SOURCE_STAMP)))) {
                return Optional.of(copy);
            }
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".tmp-");
            try {
                write(plain, graph, config, kv, tmp.resolve(ModelLayout.CONVERTED_GRAPH));
                Files.writeString(tmp.resolve(SOURCE_STAMP), stamp);
                replace(tmp, dir);
            } finally {
                deleteTree(tmp);
            }
            return Optional.of(copy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fused copy of " + graph, e);
        }
    }

    /** Where the fused copy (float32 KV) of a graph of this version lives. */
    public static Path copyDir(ModelLayout layout, Path graph) {
        return copyDir(layout, graph, KvPrecision.FP32);
    }

    /** Where the fused copy with a {@code kv} cache lives: {@code fused/<graph>} for fp32, {@code fused/<graph>.kv-fp16}. */
    public static Path copyDir(ModelLayout layout, Path graph, KvPrecision kv) {
        String relative = layout.dir().toAbsolutePath().normalize().relativize(graph.toAbsolutePath().normalize()).toString();
        String stem = relative.replace('/', '_').replace('\\', '_');
        String name = stem.substring(0, stem.length() - ".onnx".length()) + (kv == KvPrecision.FP32 ? "" : ".kv-" + kv.label());
        return layout.platformDir().resolve("fused").resolve(name);
    }

    /** Why this graph gets no fused copy; empty when it can. */
    static Optional<String> refusal(OnnxMl.ModelProto plain, ModelConfig c) {
        Map<String, String> meta = new HashMap<>();
        plain.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
        if (!LlamaOnnxWriter.PRODUCER.equals(meta.get("producer"))) {
            return Optional.of("not written by this platform's ONNX writer");
        }
        if (!GraphForm.PLAIN.label().equals(meta.getOrDefault(GraphForm.METADATA_KEY, GraphForm.PLAIN.label()))) {
            return Optional.of("already " + meta.get(GraphForm.METADATA_KEY));
        }
        boolean gpt2 = plain.getGraph().getInitializerList().stream()
                .anyMatch(t -> t.getName().equals("model.embed_positions.weight"));
        if (c.headDim() % (gpt2 ? 8 : 16) != 0) {
            return Optional.of("head dimension " + c.headDim() + " is not a multiple of " + (gpt2 ? 8 : 16)
                    + " (ONNX Runtime's GroupQueryAttention)");
        }
        return Optional.empty();
    }

    /** The writer again, over the plain graph's initializers, in the fused form. */
    static void write(OnnxMl.ModelProto plain, Path graph, ModelConfig c, KvPrecision kv, Path file) throws IOException {
        Map<String, TensorProto> init = new HashMap<>();
        plain.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), t));
        Map<String, String> meta = new HashMap<>();
        plain.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
        WeightQuantization q = quantization(meta);
        try (ExternalReader external = new ExternalReader(graph.getParent())) {
            DecoderTensors tensors = new DecoderTensors() {
                @Override
                public float[] get(String name, long... shape) {
                    return floats(init, external, name, shape);
                }

                @Override
                public BlockQuantizedMatrix quantized(String prefix, int k, int n) {
                    return FusedCopies.quantized(init, external, q, prefix, k, n);
                }
            };
            DecoderSpec spec = spec(init, external, c, q);
            // Weights streamed into model.onnx.data as they are written: a model of any size, one tensor in memory.
            LlamaOnnxWriter.writeExternal(spec, tensors, file, new LlamaOnnxWriter.Options(false, q, GraphForm.FUSED, kv));
        }
    }

    /** The block and its optional parts, from which initializers the plain graph has. */
    private static DecoderSpec spec(Map<String, TensorProto> init, ExternalReader external, ModelConfig c,
                                    WeightQuantization q) {
        String p = "model.layers.0.";
        TensorProto up = init.get(p + "mlp.up_proj.weight");
        int intermediate = up != null ? (int) up.getDims(1)
                : (int) init.get(p + "mlp.up_proj.weight_Q" + q.format().bits()).getDims(0);
        if (init.containsKey("model.embed_positions.weight")) {
            return new DecoderSpec(c, DecoderSpec.Block.GPT2, intermediate, true, true, true, false, null);
        }
        float[] invFreq = floats(init, external, "model.rotary_emb.inv_freq", c.headDim() / 2);
        return new DecoderSpec(c, DecoderSpec.Block.LLAMA, intermediate, init.containsKey(p + "self_attn.q_proj.bias"),
                init.containsKey(p + "self_attn.o_proj.bias"), init.containsKey(p + "mlp.down_proj.bias"),
                init.containsKey(p + "self_attn.q_norm.weight"), invFreq);
    }

    /** The source's own settings of its MatMulNBits weights, from the metadata the writer records. */
    private static WeightQuantization quantization(Map<String, String> meta) {
        String format = meta.getOrDefault("weight_format", "fp32");
        if (format.equals("fp32")) {
            return WeightQuantization.NONE;
        }
        WeightQuantization.Format body = WeightQuantization.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
        // quant_lm_head_format is newer than quant_lm_head: without it the head is in the body's format or float32.
        String head = meta.get("quant_lm_head_format");
        WeightQuantization.Format lmHead = head != null
                ? WeightQuantization.Format.valueOf(head.toUpperCase(java.util.Locale.ROOT))
                : Boolean.parseBoolean(meta.get("quant_lm_head")) ? body : WeightQuantization.Format.FP32;
        return new WeightQuantization(body, Integer.parseInt(meta.get("quant_block_size")),
                Boolean.parseBoolean(meta.get("quant_symmetric")), lmHead, Integer.parseInt(meta.get("quant_accuracy_level")),
                Boolean.parseBoolean(meta.get("quant_shared_embedding")));
    }

    /** A MatMulNBits weight of the source ({@code <prefix>.weight_Q<bits>}, scales, zero points) as it is; null if none. */
    private static BlockQuantizedMatrix quantized(Map<String, TensorProto> init, ExternalReader external,
                                                  WeightQuantization q, String prefix, int k, int n) {
        int bits = prefix.equals("lm_head") ? q.lmHead().bits() : q.format().bits();
        String base = prefix + ".weight_Q" + bits;
        if (!q.quantized() || !init.containsKey(base)) {
            return null;
        }
        byte[] packed = bytes(init.get(base), external);
        float[] scales = floats(init, external, base + "_scales", init.get(base + "_scales").getDims(0));
        byte[] zeroPoints = init.containsKey(base + "_zero_points") ? bytes(init.get(base + "_zero_points"), external) : null;
        return new BlockQuantizedMatrix(k, n, bits, q.blockSize(), packed, scales, zeroPoints);
    }

    private static byte[] bytes(TensorProto t, ExternalReader external) {
        if (t.getDataType() != TensorProto.DataType.UINT8.getNumber()) {
            throw new IllegalArgumentException(t.getName() + " is not uint8");
        }
        ByteBuffer data = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL ? external.read(t)
                : t.getRawData().asReadOnlyByteBuffer();
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }

    private static float[] floats(Map<String, TensorProto> init, ExternalReader external, String name, long... shape) {
        TensorProto t = init.get(name);
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (t == null || t.getDataType() != TensorProto.DataType.FLOAT.getNumber()
                || t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact) != count) {
            throw new IllegalArgumentException("graph has no float32 initializer " + name + " of " + count + " values");
        }
        float[] out = new float[(int) count];
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            external.read(t).asFloatBuffer().get(out);
        } else if (!t.getRawData().isEmpty()) {
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        return out;
    }

    /** Reads external-data tensors from their files beside the graph, one mapping per file. */
    private static final class ExternalReader implements AutoCloseable {
        private final Path dir;
        private final Map<String, FileChannel> channels = new HashMap<>();

        ExternalReader(Path dir) {
            this.dir = dir;
        }

        ByteBuffer read(TensorProto t) {
            Map<String, String> entries = new HashMap<>();
            t.getExternalDataList().forEach(e -> entries.put(e.getKey(), e.getValue()));
            Path file = dir.resolve(entries.get("location")).normalize();
            if (!file.startsWith(dir.normalize())) {
                throw new IllegalArgumentException(t.getName() + ": external data outside the model folder");
            }
            long offset = Long.parseLong(entries.getOrDefault("offset", "0"));
            long length = Long.parseLong(entries.get("length"));
            try {
                FileChannel channel = channels.get(file.toString());
                if (channel == null) {
                    channel = FileChannel.open(file);
                    channels.put(file.toString(), channel);
                }
                ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(length)).order(ByteOrder.LITTLE_ENDIAN);
                while (bytes.hasRemaining()) {
                    if (channel.read(bytes, offset + bytes.position()) < 0) {
                        throw new IOException("external data of " + t.getName() + " ends early in " + file);
                    }
                }
                return bytes.flip();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            for (FileChannel c : channels.values()) {
                c.close();
            }
        }
    }

    /** The source graph and its external data file, by name, size and time. */
    private static String stamp(Path graph) throws IOException {
        Map<String, Object> stamp = new TreeMap<>();
        for (Path file : List.of(graph, graph.resolveSibling(graph.getFileName() + ".data"))) {
            if (Files.isRegularFile(file)) {
                stamp.put(file.getFileName().toString(), List.of(Files.size(file), Files.getLastModifiedTime(file).toMillis()));
            }
        }
        stamp.put("writer", LlamaOnnxWriter.PRODUCER_VERSION);
        return Messages.mapper().writeValueAsString(stamp);
    }

    /** Moves the finished copy into place; a stale copy goes first; a copy another process just made wins. */
    private static void replace(Path tmp, Path dir) throws IOException {
        if (Files.exists(dir)) {
            deleteTree(dir);
        }
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            // another server wrote it meanwhile: theirs is as good as ours
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
