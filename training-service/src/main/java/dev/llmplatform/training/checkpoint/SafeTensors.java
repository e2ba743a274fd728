package dev.llmplatform.training.checkpoint;

import dev.llmplatform.contracts.Messages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Float32 tensors in the Hugging Face safetensors format: an 8-byte little-endian header length,
 * a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
 * Readable by the {@code safetensors} Python package, so a checkpoint can be inspected outside.
 */
public final class SafeTensors {

    /** A float32 tensor, row-major. */
    public record Tensor(long[] shape, float[] values) {
        public Tensor {
            long size = 1;
            for (long dim : shape) {
                size *= dim;
            }
            if (size != values.length) {
                throw new IllegalArgumentException("shape holds " + size + " values, got " + values.length);
            }
        }
    }

    private static final String METADATA = "__metadata__";
    private static final int WRITE_CHUNK_FLOATS = 1 << 16;

    private SafeTensors() {
    }

    /** Writes the tensors in map order and forces them to disk. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put(METADATA, metadata);
        long offset = 0;
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            long bytes = 4L * entry.getValue().values().length;
            header.put(entry.getKey(), Map.of(
                    "dtype", "F32",
                    "shape", entry.getValue().shape(),
                    "data_offsets", List.of(offset, offset + bytes)));
            offset += bytes;
        }
        byte[] json = Messages.mapper().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(channel, prefix.flip());
            ByteBuffer chunk = ByteBuffer.allocateDirect(4 * WRITE_CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor tensor : tensors.values()) {
                float[] values = tensor.values();
                for (int start = 0; start < values.length; start += WRITE_CHUNK_FLOATS) {
                    int count = Math.min(WRITE_CHUNK_FLOATS, values.length - start);
                    chunk.clear();
                    chunk.asFloatBuffer().put(values, start, count);
                    chunk.limit(4 * count);
                    writeFully(channel, chunk);
                }
            }
            channel.force(true);
        }
    }

    /** Reads every tensor (float32 only), in file order. */
    @SuppressWarnings("unchecked")
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new IOException(file + ": files over 2 GiB are not supported");
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = mapped.getLong(0);
            if (headerLength <= 0 || headerLength > channel.size() - 8) {
                throw new IOException(file + ": not a safetensors file");
            }
            byte[] json = new byte[(int) headerLength];
            mapped.get(8, json);
            Map<String, Object> header = Messages.mapper().readValue(json, Map.class);
            long dataStart = 8 + headerLength;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : header.entrySet()) {
                if (entry.getKey().equals(METADATA)) {
                    continue;
                }
                Map<String, Object> info = (Map<String, Object>) entry.getValue();
                if (!"F32".equals(info.get("dtype"))) {
                    throw new IOException(file + ": tensor " + entry.getKey() + " is " + info.get("dtype") + ", not F32");
                }
                long[] shape = ((List<Number>) info.get("shape")).stream().mapToLong(Number::longValue).toArray();
                List<Number> range = (List<Number>) info.get("data_offsets");
                long begin = dataStart + range.get(0).longValue();
                long end = dataStart + range.get(1).longValue();
                if (begin < dataStart || end > channel.size() || (end - begin) % 4 != 0) {
                    throw new IOException(file + ": tensor " + entry.getKey() + " has a bad byte range");
                }
                float[] values = new float[(int) ((end - begin) / 4)];
                mapped.slice((int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                tensors.put(entry.getKey(), new Tensor(shape, values));
            }
            return tensors;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
