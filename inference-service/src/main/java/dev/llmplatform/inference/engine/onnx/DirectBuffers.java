package dev.llmplatform.inference.engine.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Grow-only direct buffers, one per input name, reused from step to step: ONNX Runtime reads
 * direct buffers in place, so inputs cost one copy into them and no garbage. Used by one thread.
 */
final class DirectBuffers {

    private final Map<String, ByteBuffer> buffers = new HashMap<>();

    FloatBuffer floats(String name, int count) {
        return bytes(name, count * Float.BYTES).asFloatBuffer();
    }

    IntBuffer ints(String name, int count) {
        return bytes(name, count * Integer.BYTES).asIntBuffer();
    }

    LongBuffer longs(String name, int count) {
        return bytes(name, count * Long.BYTES).asLongBuffer();
    }

    private ByteBuffer bytes(String name, int size) {
        ByteBuffer buffer = buffers.get(name);
        if (buffer == null || buffer.capacity() < size) {
            buffer = ByteBuffer.allocateDirect(Math.max(size, buffer == null ? 0 : buffer.capacity() * 3 / 2))
                    .order(ByteOrder.nativeOrder());
            buffers.put(name, buffer);
        }
        return buffer.clear().limit(size).slice().order(ByteOrder.nativeOrder());
    }
}
