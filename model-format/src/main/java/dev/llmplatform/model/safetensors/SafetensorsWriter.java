package dev.llmplatform.model.safetensors;

import dev.llmplatform.contracts.Messages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * aligned, then the raw little-endian data in header order. Each tensor is F32, F16 or BF16 and is
 * produced in chunks of at most {@value #CHUNK} values, so writing a multi-gigabyte checkpoint needs
 * neither the model nor one whole tensor on the heap.
 */
public final class SafetensorsWriter {

    /** Values per chunk handed to a {@link Filler}. */
    static final int CHUNK = 1 << 16;

    /** A tensor whose row-major values are produced on demand and stored as {@code dtype}. */
    public record Tensor(String name, long[] shape, Dtype dtype, Filler filler) {
        public Tensor(String name, long[] shape, Filler filler) {
            this(name, shape, Dtype.F32, filler);
        }

        public long elements() {
            return Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }

        public Tensor as(Dtype other) {
            return new Tensor(name, shape, other, filler);
        }
    }

    /** Fills {@code chunk} with the elements {@code start .. start + chunk.length - 1} (row-major). */
    @FunctionalInterface
    public interface Filler {
        void fill(long start, float[] chunk);
    }

    private SafetensorsWriter() {
    }

    /** A float32 tensor holding {@code data}. */
    public static Tensor tensor(String name, float[] data, long... shape) {
        return new Tensor(name, shape, (start, chunk) -> System.arraycopy(data, Math.toIntExact(start), chunk, 0, chunk.length));
    }

    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, false);
    }

    /**
     * Writes the tensors in list order; {@code createNewAndForce}: fail if the file exists and force the
     * data to disk before returning (what a checkpoint that must survive a crash wants).
     */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata, boolean createNewAndForce)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", metadata);
        long offset = 0;
        for (Tensor t : tensors) {
            long bytes = Math.multiplyExact(t.elements(), (long) t.dtype().bytes());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype().name());
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {offset, offset + bytes});
            if (header.put(t.name(), entry) != null) {
                throw new IllegalArgumentException(file + ": tensor " + t.name() + " given twice");
            }
            offset += bytes;
        }
        byte[] json = Messages.mapper().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        StandardOpenOption create = createNewAndForce ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE;
        try (FileChannel out = FileChannel.open(file, create, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, prefix.flip());
            float[] chunk = new float[CHUNK];
            ByteBuffer bytes = ByteBuffer.allocateDirect(CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors) {
                long total = t.elements();
                for (long start = 0; start < total; start += CHUNK) {
                    int count = (int) Math.min(CHUNK, total - start);
                    float[] values = count == CHUNK ? chunk : new float[count];
                    t.filler().fill(start, values);
                    bytes.clear();
                    for (float v : values) {
                        t.dtype().put(bytes, v);
                    }
                    writeFully(out, bytes.flip());
                }
            }
            if (createNewAndForce) {
                out.force(true);
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            out.write(data);
        }
    }
}
