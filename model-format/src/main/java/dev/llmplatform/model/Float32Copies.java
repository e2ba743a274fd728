package dev.llmplatform.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.llmplatform.contracts.Messages;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Float32 copies of float16 (or bfloat16) ONNX variants, made once per variant into
 * {@link ModelLayout#float32Dir} and reused while the source file is unchanged (its size and time are
 * kept in {@code source.json}). The engine feeds and reads float32 past/present tensors, so a graph whose
 * inputs or outputs are float16 cannot be run as it is; a graph that computes in float16 inside but
 * keeps float32 inputs and outputs runs unconverted.
 */
public final class Float32Copies {

    private static final String SOURCE_STAMP = "source.json";
    private static final List<Integer> REDUCED = List.of(DataType.FLOAT16.getNumber(), DataType.BFLOAT16.getNumber());

    /**
     * The graph to serve.
     *
     * @param graph        the float32 copy (or the source itself when it needed none)
     * @param converted    whether the source was float16 / bfloat16 and a float32 copy serves
     * @param madeNow      whether this call wrote the copy (false: reused, or not needed)
     * @param bytes        size of the copy (graph and data), 0 when none is needed
     * @param sourceBytes  size of the source (graph and its external data files)
     */
    public record Served(Path graph, boolean converted, boolean madeNow, long bytes, long sourceBytes) {
    }

    private Float32Copies() {
    }

    /** Names and element types of the graph's inputs and outputs, read without loading its weights. */
    public static Map<String, Integer> inputOutputTypes(Path graph) throws IOException {
        Map<String, Integer> types = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(graph)) {
            CodedInputStream coded = CodedInputStream.newInstance(in, 1 << 16);
            coded.setSizeLimit(Integer.MAX_VALUE);
            for (int tag = coded.readTag(); tag != 0; tag = coded.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) != ModelProto.GRAPH_FIELD_NUMBER
                        || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    coded.skipField(tag);
                    continue;
                }
                int limit = coded.pushLimit(coded.readRawVarint32());
                for (int inner = coded.readTag(); inner != 0; inner = coded.readTag()) {
                    int field = WireFormat.getTagFieldNumber(inner);
                    if (field == GraphProto.INPUT_FIELD_NUMBER || field == GraphProto.OUTPUT_FIELD_NUMBER) {
                        ValueInfoProto info = ValueInfoProto.parseFrom(coded.readBytes());
                        types.put(info.getName(), info.getType().getTensorType().getElemType());
                    } else {
                        coded.skipField(inner);
                    }
                }
                coded.popLimit(limit);
            }
        }
        return types;
    }

    /** Whether the graph takes or gives float16 / bfloat16 tensors, which the engine does not feed. */
    public static boolean needsFloat32(Path graph) {
        try {
            return inputOutputTypes(graph).values().stream().anyMatch(REDUCED::contains);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ONNX graph " + graph, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read the ONNX graph " + graph + ": " + e.getMessage(), e);
        }
    }

    /** The graph as the engine can run it: the source, or its float32 copy (made now when missing or stale). */
    public static Served servable(ModelLayout layout, Path graph) {
        if (!needsFloat32(graph)) {
            return new Served(graph, false, false, 0, 0);
        }
        Path dir = layout.float32Dir(graph);
        Path copy = dir.resolve(ModelLayout.CONVERTED_GRAPH);
        try {
            String stamp = stamp(graph);
            long sourceBytes = sizeWithData(graph);
            if (Files.isRegularFile(copy) && Files.isRegularFile(dir.resolve(SOURCE_STAMP))
                    && stamp.equals(Files.readString(dir.resolve(SOURCE_STAMP)))) {
                return new Served(copy, true, false, folderSize(dir), sourceBytes);
            }
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".tmp-");
            try {
                FloatPrecision.toFloat32(graph, tmp);
                Files.writeString(tmp.resolve(SOURCE_STAMP), stamp);
                replace(tmp, dir);
            } finally {
                deleteTree(tmp);
            }
            return new Served(copy, true, true, folderSize(dir), sourceBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the float32 copy of " + graph + " into " + dir, e);
        }
    }

    /** The source graph and its conventional external data files, by name, size and time. */
    private static String stamp(Path graph) throws IOException {
        Map<String, Object> stamp = new java.util.TreeMap<>();
        for (Path file : withData(graph)) {
            stamp.put(file.getFileName().toString(), List.of(Files.size(file), Files.getLastModifiedTime(file).toMillis()));
        }
        return Messages.mapper().writeValueAsString(stamp);
    }

    /** Moves the finished copy into place; a stale copy goes first; a copy another process just made wins. */
    private static void replace(Path tmp, Path dir) throws IOException {
        if (Files.exists(dir)) {
            Path old = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".old-");
            Files.delete(old);
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        }
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            // another instance converted the same file meanwhile: its copy serves
        }
    }

    /** The graph file and the external data files beside it that it may name. */
    private static long sizeWithData(Path graph) throws IOException {
        long size = 0;
        for (Path file : withData(graph)) {
            size += Files.size(file);
        }
        return size;
    }

    private static List<Path> withData(Path graph) {
        String name = graph.getFileName().toString();
        List<Path> files = new ArrayList<>(List.of(graph));
        for (String data : List.of(name + "_data", name + ".data")) {
            Path file = graph.resolveSibling(data);
            if (Files.isRegularFile(file)) {
                files.add(file);
            }
        }
        return files;
    }

    private static long folderSize(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long size = 0;
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                size += Files.size(f);
            }
            return size;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.toList());
            all.sort(Comparator.reverseOrder());
            for (Path f : all) {
                Files.deleteIfExists(f);
            }
        }
    }
}
