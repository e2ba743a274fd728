package dev.llmplatform.model.safetensors;

import dev.llmplatform.contracts.Messages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Hugging Face's safetensors format: an 8-byte little-endian header length, a JSON header
 * ({@code {"__metadata__": {...}, "<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}}},
 * offsets relative to the data section), padded with spaces to a multiple of 8 so every tensor is
 * aligned, then the raw little-endian data in header order. Tensors are streamed one at a time, so a
 * 500 MB model needs no second copy in memory.
 */
public final class SafetensorsWriter {

    /** A float32 tensor whose row-major values are produced on demand into the given buffer. */
    public record Tensor(String name, long[] shape, Filler filler) {
        public long elements() {
            return Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }
    }

    /** Puts exactly {@code elements} floats into {@code out}, row-major. */
    @FunctionalInterface
    public interface Filler {
        void fill(FloatBuffer out);
    }

    private SafetensorsWriter() {
    }

    public static Tensor tensor(String name, float[] data, long... shape) {
        return new Tensor(name, shape, out -> out.put(data));
    }

    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", metadata);
        long offset = 0;
        for (Tensor t : tensors) {
            long bytes = Math.multiplyExact(t.elements(), (long) Float.BYTES);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F32");
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(t.name(), entry);
            offset += bytes;
        }
        byte[] json = Messages.mapper().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, prefix.flip());
            for (Tensor t : tensors) {
                ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(t.elements() * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
                FloatBuffer floats = data.asFloatBuffer();
                t.filler().fill(floats);
                if (floats.hasRemaining()) {
                    throw new IllegalStateException(t.name() + ": filler wrote " + floats.position() + " of " + t.elements() + " floats");
                }
                writeFully(out, data);
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            out.write(data);
        }
    }
}
