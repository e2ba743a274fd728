package dev.llmplatform.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file beside a model that holds its large initializers (ONNX "external data", as
 * {@code onnx.save_model(..., save_as_external_data=True)} and Optimum write it): tensors are
 * appended as they are produced, each at an offset aligned to {@value #ALIGNMENT} bytes (the page
 * size, so ONNX Runtime can map them), and the graph records {@code location}, {@code offset} and
 * {@code length}. The location is relative to the model file's folder, which is how ONNX Runtime
 * resolves it.
 */
public final class ExternalData implements AutoCloseable {

    /** Offsets are multiples of this. */
    public static final int ALIGNMENT = 4096;

    /** Tensors smaller than this stay inside the graph (ONNX's own default threshold). */
    public static final int INLINE_BELOW_BYTES = 1024;

    private static final int CHUNK_FLOATS = 1 << 18;

    /** Where one tensor's bytes went. */
    public record Span(long offset, long length) {
    }

    private final Path file;
    private final String location;
    private final FileChannel channel;
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    /** Creates (or truncates) {@code file}; {@code location} is its name as the graph refers to it. */
    public ExternalData(Path file, String location) {
        this.file = file;
        this.location = location;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    public String location() {
        return location;
    }

    /** Bytes written so far, padding included. */
    public long size() {
        return position;
    }

    /** Appends the buffer's remaining bytes at the next aligned offset. */
    public Span append(ByteBuffer data) {
        long offset = align();
        long length = data.remaining();
        writeFully(data.duplicate());
        return new Span(offset, length);
    }

    /** Appends float32 values little-endian, a chunk at a time (no byte copy of the whole array). */
    public Span appendFloats(float[] values) {
        long offset = align();
        for (int start = 0; start < values.length; start += CHUNK_FLOATS) {
            int count = Math.min(CHUNK_FLOATS, values.length - start);
            chunk.clear();
            chunk.asFloatBuffer().put(values, start, count);
            chunk.limit(count * Float.BYTES);
            writeFully(chunk);
        }
        return new Span(offset, (long) values.length * Float.BYTES);
    }

    @Override
    public void close() {
        try {
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    private long align() {
        long padding = (ALIGNMENT - position % ALIGNMENT) % ALIGNMENT;
        if (padding > 0) {
            writeFully(ByteBuffer.allocate((int) padding));
        }
        return position;
    }

    private void writeFully(ByteBuffer data) {
        try {
            while (data.hasRemaining()) {
                position += channel.write(data, position);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
