package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small helper for writing ONNX graphs by hand: inputs, outputs, initializers (raw
 * little-endian data) and nodes, in any operator domain. It checks that every name is defined
 * once, so a typo fails at build time rather than inside ONNX Runtime.
 */
public final class OnnxGraphBuilder {

    /** ONNX IR version written with opset 17 (ONNX 1.12). */
    public static final long IR_VERSION = 8;

    /** A tensor dimension: a fixed size or a named dynamic one such as {@code batch_size}. */
    public record Dim(String param, long value) {
        public static Dim named(String param) {
            return new Dim(param, -1);
        }

        public static Dim of(long value) {
            return new Dim(null, value);
        }
    }

    /** An operator set the model imports; the empty domain is the default ONNX domain. */
    public record Opset(String domain, long version) {
    }

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private final ExternalData external;

    public OnnxGraphBuilder(String graphName) {
        this(graphName, null);
    }

    /**
     * A builder that writes every initializer of {@link ExternalData#INLINE_BELOW_BYTES} or more to
     * {@code external} the moment it is added, so the graph holds no weights and the caller need not
     * keep them; null keeps all initializers inside the graph.
     */
    public OnnxGraphBuilder(String graphName, ExternalData external) {
        graph.setName(graphName);
        this.external = external;
    }

    public String input(String name, TensorProto.DataType type, Dim... dims) {
        define(name);
        graph.addInput(valueInfo(name, type, dims));
        return name;
    }

    /** Declares an existing value (a node output or an input) as a graph output. */
    public void output(String name, TensorProto.DataType type, Dim... dims) {
        if (!names.contains(name)) {
            throw new IllegalArgumentException("output " + name + " is not produced by any node");
        }
        graph.addOutput(valueInfo(name, type, dims));
    }

    public String floatInitializer(String name, float[] values, long... dims) {
        if (external != null && (long) values.length * Float.BYTES >= ExternalData.INLINE_BELOW_BYTES) {
            checkDims(name, values.length, dims);
            define(name);
            return externalInitializer(name, TensorProto.DataType.FLOAT, external.appendFloats(values), dims);
        }
        ByteBuffer data = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        return rawInitializer(name, TensorProto.DataType.FLOAT, data, values.length, dims);
    }

    /** An int64 initializer; no dims makes a scalar. */
    public String int64Initializer(String name, long[] values, long... dims) {
        ByteBuffer data = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asLongBuffer().put(values);
        return rawInitializer(name, TensorProto.DataType.INT64, data, values.length, dims);
    }

    /** A 1-D int64 constant, the usual shape/axes argument. */
    public String int64s(String name, long... values) {
        return int64Initializer(name, values, values.length);
    }

    /** A float scalar constant. */
    public String floatScalar(String name, float value) {
        return floatInitializer(name, new float[] {value});
    }

    /**
     * An initializer from raw little-endian bytes of any element type (e.g. UINT8 for packed
     * quantised weights). The buffer is wrapped, not copied: do not change it afterwards.
     */
    public String rawInitializer(String name, TensorProto.DataType type, ByteBuffer littleEndianData,
                                 long elementCount, long... dims) {
        checkDims(name, elementCount, dims);
        define(name);
        if (external != null && littleEndianData.limit() >= ExternalData.INLINE_BELOW_BYTES) {
            return externalInitializer(name, type, external.append(littleEndianData.duplicate().rewind()), dims);
        }
        ByteString raw = UnsafeByteOperations.unsafeWrap(littleEndianData.rewind());
        graph.addInitializer(TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber())
                .addAllDims(Arrays.stream(dims).boxed().toList())
                .setRawData(raw));
        return name;
    }

    private String externalInitializer(String name, TensorProto.DataType type, ExternalData.Span span, long... dims) {
        graph.addInitializer(TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber())
                .addAllDims(Arrays.stream(dims).boxed().toList())
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", external.location()))
                .addExternalData(entry("offset", Long.toString(span.offset())))
                .addExternalData(entry("length", Long.toString(span.length()))));
        return name;
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static void checkDims(String name, long elementCount, long... dims) {
        long expected = Arrays.stream(dims).reduce(1, Math::multiplyExact);
        if (expected != elementCount) {
            throw new IllegalArgumentException(name + ": dims " + Arrays.toString(dims) + " hold " + expected
                    + " elements, got " + elementCount);
        }
    }

    /** A default-domain node with one output; returns the output name. */
    public String node(String opType, String output, List<String> inputs, AttributeProto... attributes) {
        return node("", opType, List.of(output), inputs, attributes).getFirst();
    }

    /** A node in any domain with any number of outputs; an empty input name marks an omitted optional input. */
    public List<String> node(String domain, String opType, List<String> outputs, List<String> inputs,
                             AttributeProto... attributes) {
        for (String in : inputs) {
            if (!in.isEmpty() && !names.contains(in)) {
                throw new IllegalArgumentException(opType + " " + outputs + ": input " + in + " is not defined");
            }
        }
        // An empty output name (not the first) omits an optional output.
        for (int i = 0; i < outputs.size(); i++) {
            if (i == 0 || !outputs.get(i).isEmpty()) {
                define(outputs.get(i));
            }
        }
        graph.addNode(OnnxMl.NodeProto.newBuilder()
                .setName(outputs.getFirst())
                .setOpType(opType)
                .setDomain(domain)
                .addAllInput(inputs)
                .addAllOutput(outputs)
                .addAllAttribute(Arrays.asList(attributes)));
        return outputs;
    }

    public boolean isDefined(String name) {
        return names.contains(name);
    }

    public OnnxMl.ModelProto build(String producerName, String producerVersion, List<Opset> opsets,
                                   Map<String, String> metadata) {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(producerName)
                .setProducerVersion(producerVersion)
                .setGraph(graph.build());
        for (Opset opset : opsets) {
            model.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(opset.domain()).setVersion(opset.version()));
        }
        metadata.forEach((key, value) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build();
    }

    public static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    public static AttributeProto attrInts(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private void define(String name) {
        if (name.isEmpty() || !names.add(name)) {
            throw new IllegalArgumentException("value name '" + name + "' is empty or defined twice");
        }
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, TensorProto.DataType type, Dim... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Dim d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d.param() != null) {
                dim.setDimParam(d.param());
            } else {
                dim.setDimValue(d.value());
            }
            shape.addDim(dim);
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber()).setShape(shape)))
                .build();
    }
}
