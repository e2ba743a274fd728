package dev.llmplatform.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Rewrites an ONNX graph from one floating-point type to another: float16 (or bfloat16) to float32 at
 * load, since the engine feeds and reads float32 past/present tensors, and float32 to float16 for
 * tests. Everything typed is rewritten: initializers and {@code Constant}/{@code ConstantOfShape} tensors
 * (their values converted), graph inputs, outputs and {@code value_info}, {@code Cast} nodes' {@code to}
 * and default-domain nodes' {@code dtype}, recursively in subgraphs (merged decoders keep their two
 * branches in an {@code If}). Tensors of other types are copied unchanged.
 *
 * <p>The result is {@code <dir>/model.onnx} with every tensor above 1 KiB in {@code <dir>/model.onnx.data}
 * (so the 2 GiB protobuf limit never applies), external data of the source read from its own files.
 * Values are streamed tensor by tensor; only the graph structure (and inline tensors) is held in memory.
 */
public final class FloatPrecision {

    private static final int INLINE_LIMIT = 1024;
    private static final int CHUNK_ELEMENTS = 1 << 16;

    private final Set<Integer> from;
    private final DataType to;
    private final Path sourceDir;
    private final DataFile data;

    private FloatPrecision(Set<DataType> from, DataType to, Path sourceDir, DataFile data) {
        this.from = from.stream().map(DataType::getNumber).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.to = to;
        this.sourceDir = sourceDir;
        this.data = data;
    }

    /** float16 / bfloat16 → float32: what the engine serves. */
    public static void toFloat32(Path source, Path targetDir) throws IOException {
        convert(source, targetDir, Set.of(DataType.FLOAT16, DataType.BFLOAT16), DataType.FLOAT);
    }

    /** float32 → float16: the inverse, for tests and for users who want a smaller file. */
    public static void toFloat16(Path source, Path targetDir) throws IOException {
        convert(source, targetDir, Set.of(DataType.FLOAT), DataType.FLOAT16);
    }

    public static void convert(Path source, Path targetDir, Set<DataType> from, DataType to) throws IOException {
        ModelProto model = parse(source);
        Files.createDirectories(targetDir);
        Path graphFile = targetDir.resolve(ModelLayout.CONVERTED_GRAPH);
        try (DataFile data = new DataFile(targetDir.resolve(ModelLayout.CONVERTED_DATA))) {
            FloatPrecision converter = new FloatPrecision(from, to, source.toAbsolutePath().getParent(), data);
            ModelProto.Builder converted = model.toBuilder();
            converted.setGraph(converter.graph(model.getGraph()));
            model = null; // the builder holds what is left of it
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(graphFile), 1 << 16)) {
                converted.build().writeTo(out);
            }
        }
    }

    /** The whole graph (external data stays where it is); graphs up to protobuf's 2 GiB limit. */
    static ModelProto parse(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in, 1 << 16);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return ModelProto.parseFrom(coded);
        }
    }

    private GraphProto graph(GraphProto graph) throws IOException {
        GraphProto.Builder g = graph.toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            g.setInitializer(i, tensor(g.getInitializer(i)));
        }
        for (int i = 0; i < g.getSparseInitializerCount(); i++) {
            if (from.contains(g.getSparseInitializer(i).getValues().getDataType())) {
                throw new IllegalArgumentException("sparse initializer '" + g.getSparseInitializer(i).getValues().getName()
                        + "' is " + DataType.forNumber(g.getSparseInitializer(i).getValues().getDataType())
                        + ": sparse tensors are not converted");
            }
        }
        for (int i = 0; i < g.getInputCount(); i++) {
            g.setInput(i, valueInfo(g.getInput(i)));
        }
        for (int i = 0; i < g.getOutputCount(); i++) {
            g.setOutput(i, valueInfo(g.getOutput(i)));
        }
        for (int i = 0; i < g.getValueInfoCount(); i++) {
            g.setValueInfo(i, valueInfo(g.getValueInfo(i)));
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            g.setNode(i, node(g.getNode(i)));
        }
        return g.build();
    }

    private NodeProto node(NodeProto node) throws IOException {
        NodeProto.Builder n = node.toBuilder();
        boolean defaultDomain = node.getDomain().isEmpty() || "ai.onnx".equals(node.getDomain());
        for (int i = 0; i < n.getAttributeCount(); i++) {
            AttributeProto a = n.getAttribute(i);
            AttributeProto.Builder b = a.toBuilder();
            switch (a.getType()) {
                case TENSOR -> b.setT(tensor(a.getT()));
                case TENSORS -> {
                    for (int t = 0; t < a.getTensorsCount(); t++) {
                        b.setTensors(t, tensor(a.getTensors(t)));
                    }
                }
                case GRAPH -> b.setG(graph(a.getG()));
                case GRAPHS -> {
                    for (int s = 0; s < a.getGraphsCount(); s++) {
                        b.setGraphs(s, graph(a.getGraphs(s)));
                    }
                }
                case INT -> {
                    boolean typeAttribute = ("Cast".equals(node.getOpType()) && "to".equals(a.getName()))
                            || (defaultDomain && "dtype".equals(a.getName()));
                    if (typeAttribute && from.contains((int) a.getI())) {
                        b.setI(to.getNumber());
                    }
                }
                default -> {
                    // floats, ints, strings: no element type in them
                }
            }
            n.setAttribute(i, b);
        }
        return n.build();
    }

    private ValueInfoProto valueInfo(ValueInfoProto info) {
        return info.hasType() ? info.toBuilder().setType(type(info.getType())).build() : info;
    }

    private TypeProto type(TypeProto type) {
        return switch (type.getValueCase()) {
            case TENSOR_TYPE -> from.contains(type.getTensorType().getElemType())
                    ? type.toBuilder().setTensorType(type.getTensorType().toBuilder().setElemType(to.getNumber())).build()
                    : type;
            case SEQUENCE_TYPE -> type.toBuilder().setSequenceType(type.getSequenceType().toBuilder()
                    .setElemType(type(type.getSequenceType().getElemType()))).build();
            case OPTIONAL_TYPE -> type.toBuilder().setOptionalType(type.getOptionalType().toBuilder()
                    .setElemType(type(type.getOptionalType().getElemType()))).build();
            default -> type;
        };
    }

    /** A tensor converted when it is of a {@code from} type; external data re-written into the new data file. */
    private TensorProto tensor(TensorProto tensor) throws IOException {
        boolean convert = from.contains(tensor.getDataType());
        boolean external = TensorBytes.isExternal(tensor);
        if (!convert && !external) {
            return tensor;
        }
        int fromSize = TensorBytes.elementSize(tensor.getDataType());
        int toSize = convert ? TensorBytes.elementSize(to.getNumber()) : fromSize;
        long count = TensorBytes.elementCount(tensor);
        TensorProto.Builder b = tensor.toBuilder().clearRawData().clearFloatData().clearInt32Data().clearExternalData()
                .setDataLocation(TensorProto.DataLocation.DEFAULT);
        if (convert) {
            b.setDataType(to.getNumber());
        }
        try (TensorBytes.Source source = TensorBytes.open(tensor, sourceDir)) {
            if (fromSize > 0 && source.length() != count * fromSize) {
                throw new IllegalArgumentException("tensor '" + tensor.getName() + "' has " + source.length()
                        + " bytes for " + count + " elements of " + fromSize + " bytes");
            }
            long length = convert ? count * toSize : source.length();
            if (length <= INLINE_LIMIT) {
                ByteString.Output out = ByteString.newOutput((int) length);
                copy(source, convert ? tensor.getDataType() : -1, out);
                return b.setRawData(out.toByteString()).build();
            }
            long offset = data.begin(length);
            copy(source, convert ? tensor.getDataType() : -1, data.stream());
            data.end(offset, length);
            return b.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", ModelLayout.CONVERTED_DATA))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(length)))
                    .build();
        }
    }

    /** Copies the source's bytes, converted from {@code fromType} to {@link #to} (-1: as they are), in chunks. */
    private void copy(TensorBytes.Source source, int fromType, OutputStream out) throws IOException {
        InputStream in = source.stream();
        if (fromType < 0) {
            long left = source.length();
            byte[] buffer = new byte[1 << 16];
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("external data ends early");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
            return;
        }
        int inSize = TensorBytes.elementSize(fromType);
        int outSize = TensorBytes.elementSize(to.getNumber());
        long left = source.length() / inSize;
        ByteBuffer read = ByteBuffer.allocate(CHUNK_ELEMENTS * inSize).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer write = ByteBuffer.allocate(CHUNK_ELEMENTS * outSize).order(ByteOrder.LITTLE_ENDIAN);
        while (left > 0) {
            int elements = (int) Math.min(CHUNK_ELEMENTS, left);
            int bytes = elements * inSize;
            if (in.readNBytes(read.array(), 0, bytes) != bytes) {
                throw new IOException("tensor data ends early");
            }
            read.clear();
            write.clear();
            for (int i = 0; i < elements; i++) {
                float value = switch (DataType.forNumber(fromType)) {
                    case FLOAT16 -> Float.float16ToFloat(read.getShort());
                    case BFLOAT16 -> Float.intBitsToFloat((read.getShort() & 0xFFFF) << 16);
                    case FLOAT -> read.getFloat();
                    default -> throw new IllegalArgumentException("cannot convert " + DataType.forNumber(fromType));
                };
                switch (to) {
                    case FLOAT -> write.putFloat(value);
                    case FLOAT16 -> write.putShort(Float.floatToFloat16(value));
                    default -> throw new IllegalArgumentException("cannot convert to " + to);
                }
            }
            out.write(write.array(), 0, elements * outSize);
            left -= elements;
        }
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** The external data file being written: tensors appended at aligned offsets. */
    private static final class DataFile implements AutoCloseable {
        private final OutputStream out;
        private long position;

        DataFile(Path file) throws IOException {
            this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
        }

        /** Pads to the tensor's alignment (4 KiB for large tensors, so they can be mapped) and gives its offset. */
        long begin(long length) throws IOException {
            long alignment = length >= (1 << 20) ? 4096 : 64;
            long padding = (alignment - position % alignment) % alignment;
            out.write(new byte[(int) padding]);
            position += padding;
            return position;
        }

        OutputStream stream() {
            return out;
        }

        void end(long offset, long length) {
            position = offset + length;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
