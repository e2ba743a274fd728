package dev.llmplatform.model;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The little-endian bytes of an ONNX tensor, wherever the graph keeps them: {@code raw_data}, the typed
 * fields ({@code float_data}; {@code int32_data} holding float16 / bfloat16 bits), or an external data
 * file named relative to the graph's folder ({@code location}, {@code offset}, {@code length}), which
 * must stay inside that folder.
 */
final class TensorBytes {

    private TensorBytes() {
    }

    /** Bytes per element of the types this package converts or copies; 0 for types it does not handle. */
    static int elementSize(int dataType) {
        return switch (DataType.forNumber(dataType)) {
            case FLOAT, INT32, UINT32 -> 4;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case DOUBLE, INT64, UINT64 -> 8;
            case INT8, UINT8, BOOL -> 1;
            case null, default -> 0;
        };
    }

    static long elementCount(TensorProto tensor) {
        long count = 1;
        for (long dim : tensor.getDimsList()) {
            count *= dim;
        }
        return count;
    }

    static boolean isExternal(TensorProto tensor) {
        return tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /** The tensor's bytes as a stream, and how many there are. */
    record Source(InputStream stream, long length) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    static Source open(TensorProto tensor, Path graphDir) throws IOException {
        if (isExternal(tensor)) {
            return openExternal(tensor, graphDir);
        }
        if (!tensor.getRawData().isEmpty()) {
            return new Source(tensor.getRawData().newInput(), tensor.getRawData().size());
        }
        DataType type = DataType.forNumber(tensor.getDataType());
        ByteBuffer bytes;
        if (type == DataType.FLOAT) {
            bytes = ByteBuffer.allocate(tensor.getFloatDataCount() * 4).order(ByteOrder.LITTLE_ENDIAN);
            tensor.getFloatDataList().forEach(bytes::putFloat);
        } else if (type == DataType.FLOAT16 || type == DataType.BFLOAT16) {
            bytes = ByteBuffer.allocate(tensor.getInt32DataCount() * 2).order(ByteOrder.LITTLE_ENDIAN);
            tensor.getInt32DataList().forEach(bits -> bytes.putShort((short) (int) bits));
        } else {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' of type " + type
                    + " keeps its values in typed fields this converter does not read");
        }
        return new Source(new ByteArrayInputStream(bytes.array()), bytes.capacity());
    }

    private static Source openExternal(TensorProto tensor, Path graphDir) throws IOException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto entry : tensor.getExternalDataList()) {
            switch (entry.getKey()) {
                case "location" -> location = entry.getValue();
                case "offset" -> offset = Long.parseLong(entry.getValue());
                case "length" -> length = Long.parseLong(entry.getValue());
                default -> {
                    // "checksum" and others: not needed to read the bytes
                }
            }
        }
        if (location == null) {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' is external but names no location");
        }
        Path base = graphDir.toAbsolutePath().normalize();
        Path file = base.resolve(location).normalize();
        if (!file.startsWith(base) || Path.of(location).isAbsolute()) {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' names external data outside the graph's folder: "
                    + location);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            long end = length < 0 ? size : offset + length;
            if (offset < 0 || end > size) {
                throw new IllegalArgumentException("tensor '" + tensor.getName() + "': bytes " + offset + ".." + end
                        + " lie beyond the end of " + location + " (" + size + " bytes)");
            }
            channel.position(offset);
            return new Source(Channels.newInputStream(channel), end - offset);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
