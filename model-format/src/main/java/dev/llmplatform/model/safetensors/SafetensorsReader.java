package dev.llmplatform.model.safetensors;

import dev.llmplatform.contracts.Messages;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file with float32 tensors (what {@link SafetensorsWriter} writes). Opening it
 * checks the header: every tensor's byte range matches its dtype and shape, ranges neither overlap
 * nor leave gaps, and the last one ends at the end of the file.
 */
public final class SafetensorsReader implements AutoCloseable {

    /** One header entry; {@code begin} and {@code end} are offsets into the data section. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    }

    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsReader(FileChannel channel, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafetensorsReader open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer length = read(channel, 0, 8);
            long headerLength = length.order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength <= 0 || 8 + headerLength > channel.size()) {
                throw new IOException(file + ": header length " + headerLength + " does not fit the file");
            }
            String json = StandardCharsets.UTF_8.decode(read(channel, 8, Math.toIntExact(headerLength))).toString();
            JsonNode header = Messages.mapper().readTree(json);
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : header.properties()) {
                JsonNode v = field.getValue();
                if (field.getKey().equals("__metadata__")) {
                    v.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asString()));
                    continue;
                }
                long[] shape = new long[v.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = v.get("shape").get(i).asLong();
                }
                JsonNode offsets = v.get("data_offsets");
                entries.put(field.getKey(), new Entry(field.getKey(), v.get("dtype").asString(), shape,
                        offsets.get(0).asLong(), offsets.get(1).asLong()));
            }
            long dataStart = 8 + headerLength;
            check(file, entries, channel.size() - dataStart);
            return new SafetensorsReader(channel, dataStart, Collections.unmodifiableMap(entries), metadata);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** A float32 tensor's values, row-major. */
    public float[] floats(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        if (!e.dtype().equals("F32")) {
            throw new IllegalArgumentException(name + " is " + e.dtype() + ", only F32 is read");
        }
        ByteBuffer data = read(channel, dataStart + e.begin(), Math.toIntExact(e.end() - e.begin()));
        float[] out = new float[Math.toIntExact((e.end() - e.begin()) / Float.BYTES)];
        data.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void check(Path file, Map<String, Entry> entries, long dataBytes) throws IOException {
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        long expectedBegin = 0;
        for (Entry e : byOffset) {
            long elements = 1;
            for (long d : e.shape()) {
                elements = Math.multiplyExact(elements, d);
            }
            long bytes = elements * bytesPerElement(e.dtype());
            if (e.begin() != expectedBegin || e.end() - e.begin() != bytes) {
                throw new IOException(file + ": tensor " + e.name() + " at [" + e.begin() + ", " + e.end()
                        + ") should start at " + expectedBegin + " and hold " + bytes + " bytes");
            }
            expectedBegin = e.end();
        }
        if (expectedBegin != dataBytes) {
            throw new IOException(file + ": tensors end at " + expectedBegin + " but the data section has " + dataBytes + " bytes");
        }
    }

    private static long bytesPerElement(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> throw new IllegalArgumentException("unknown safetensors dtype " + dtype);
        };
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
