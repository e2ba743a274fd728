package dev.llmplatform.model.safetensors;

import dev.llmplatform.contracts.Messages;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file as Hugging Face and {@link SafetensorsWriter} write it. Opening it checks
 * the header: it fits the file, every tensor's byte range matches its dtype and shape, ranges neither
 * overlap nor leave gaps, and the last one ends at the end of the file. Tensor data is memory-mapped
 * one tensor at a time ({@link FileChannel#map}), so reading a tensor costs one float32 array and no
 * copy of the file on the heap; F32, F16 and BF16 are converted to float32.
 *
 * <p>Every error message names the file (and the tensor), since a checkpoint has several shards.
 */
public final class SafetensorsReader implements AutoCloseable {

    /** One header entry; {@code begin} and {@code end} are offsets into the data section. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public long elements() {
            return Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }
    }

    /** A float tensor read whole: row-major values and shape. */
    public record Tensor(long[] shape, float[] values) {
    }

    /** Largest header Hugging Face's reader accepts (100 MB); anything larger is corrupt. */
    private static final long MAX_HEADER = 100L << 20;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, Entry> entries,
                              Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafetensorsReader open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            if (channel.size() < 8) {
                throw new IOException(file + ": " + channel.size() + " bytes is too short for a safetensors file");
            }
            long headerLength = read(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > channel.size()) {
                throw new IOException(file + ": header length " + headerLength + " does not fit the file of "
                        + channel.size() + " bytes");
            }
            String json = StandardCharsets.UTF_8.decode(read(channel, 8, Math.toIntExact(headerLength))).toString();
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            parseHeader(file, json, entries, metadata);
            long dataStart = 8 + headerLength;
            check(file, entries, channel.size() - dataStart);
            return new SafetensorsReader(file, channel, dataStart, Collections.unmodifiableMap(entries), metadata);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** A float tensor's values (F32, F16 or BF16 converted to float32), row-major. */
    public float[] floats(String name) throws IOException {
        Entry e = entry(name);
        Dtype dtype = Dtype.floatType(e.dtype());
        if (dtype == null) {
            throw new IOException(file + ": tensor " + name + " is " + e.dtype() + "; only F32, F16 and BF16 are read");
        }
        long count = e.elements();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IOException(file + ": tensor " + name + " has " + count + " elements, more than a Java array holds");
        }
        float[] out = new float[(int) count];
        if (count == 0) {
            return out;
        }
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.end() - e.begin());
        mapped.order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == Dtype.F32) {
            FloatBuffer floats = mapped.asFloatBuffer();
            floats.get(out);
        } else {
            // 16-bit types: bulk-copy a chunk of raw halves, then widen (much faster than per-element reads).
            java.nio.ShortBuffer halves = mapped.asShortBuffer();
            short[] chunk = new short[Math.min(out.length, 1 << 16)];
            for (int start = 0; start < out.length; start += chunk.length) {
                int n = Math.min(chunk.length, out.length - start);
                halves.get(chunk, 0, n);
                for (int i = 0; i < n; i++) {
                    out[start + i] = dtype == Dtype.BF16 ? Float.intBitsToFloat((chunk[i] & 0xFFFF) << 16)
                            : Float.float16ToFloat(chunk[i]);
                }
            }
        }
        return out;
    }

    /**
     * A 2-D float tensor {@code [rows, cols]} read transposed, as {@code [cols, rows]}, straight from the
     * mapping (tile by tile), so the heap holds only the result: PyTorch's {@code Linear.weight [out, in]}
     * becomes {@code [in, out]} without a second array the size of the tensor.
     */
    public float[] floatsTransposed(String name) throws IOException {
        Entry e = entry(name);
        Dtype dtype = Dtype.floatType(e.dtype());
        if (dtype == null || e.shape().length != 2) {
            throw new IOException(file + ": tensor " + name + " is " + e.dtype() + " " + Arrays.toString(e.shape())
                    + "; only 2-D F32, F16 and BF16 tensors are read transposed");
        }
        int rows = Math.toIntExact(e.shape()[0]);
        int cols = Math.toIntExact(e.shape()[1]);
        float[] out = new float[Math.multiplyExact(rows, cols)];
        if (out.length == 0) {
            return out;
        }
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.end() - e.begin());
        mapped.order(ByteOrder.LITTLE_ENDIAN);
        int tile = 64;
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int rEnd = Math.min(rows, r0 + tile);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int cEnd = Math.min(cols, c0 + tile);
                for (int r = r0; r < rEnd; r++) {
                    long rowBase = (long) r * cols;
                    for (int c = c0; c < cEnd; c++) {
                        out[c * rows + r] = dtype.get(mapped, rowBase + c);
                    }
                }
            }
        }
        return out;
    }

    /** Every float tensor in file order (for small files such as training checkpoints). */
    public Map<String, Tensor> readAll() throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            all.put(e.name(), new Tensor(e.shape(), floats(e.name())));
        }
        return all;
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(file + ": no tensor " + name);
        }
        return e;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void parseHeader(Path file, String json, Map<String, Entry> entries, Map<String, String> metadata)
            throws IOException {
        JsonNode header;
        try {
            header = Messages.mapper().readTree(json);
        } catch (JacksonException e) {
            throw new IOException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new IOException(file + ": header is not a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : header.properties()) {
            JsonNode v = field.getValue();
            if (field.getKey().equals("__metadata__")) {
                v.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asString()));
                continue;
            }
            JsonNode shapeNode = v.get("shape");
            JsonNode offsets = v.get("data_offsets");
            JsonNode dtype = v.get("dtype");
            if (shapeNode == null || !shapeNode.isArray() || offsets == null || offsets.size() != 2 || dtype == null) {
                throw new IOException(file + ": tensor " + field.getKey() + " lacks dtype, shape or data_offsets");
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong();
                if (shape[i] < 0) {
                    throw new IOException(file + ": tensor " + field.getKey() + " has a negative dimension");
                }
            }
            try {
                Dtype.bytesPerElement(dtype.asString());
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": tensor " + field.getKey() + ": " + e.getMessage(), e);
            }
            entries.put(field.getKey(), new Entry(field.getKey(), dtype.asString(), shape,
                    offsets.get(0).asLong(), offsets.get(1).asLong()));
        }
    }

    private static void check(Path file, Map<String, Entry> entries, long dataBytes) throws IOException {
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        long expectedBegin = 0;
        for (Entry e : byOffset) {
            long bytes = Math.multiplyExact(e.elements(), Dtype.bytesPerElement(e.dtype()));
            if (e.end() > dataBytes && e.begin() == expectedBegin && e.end() - e.begin() == bytes) {
                throw new IOException(file + ": tensor " + e.name() + " ends at byte " + e.end()
                        + " of the data section, which has only " + dataBytes + " bytes: the file is truncated");
            }
            if (e.begin() != expectedBegin || e.end() - e.begin() != bytes) {
                throw new IOException(file + ": tensor " + e.name() + " at [" + e.begin() + ", " + e.end()
                        + ") should start at " + expectedBegin + " and hold " + bytes + " bytes");
            }
            expectedBegin = e.end();
        }
        if (expectedBegin != dataBytes) {
            throw new IOException(file + ": tensors end at " + expectedBegin + " but the data section has " + dataBytes
                    + " bytes" + (expectedBegin > dataBytes ? " (truncated file?)" : ""));
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }
}
