package dev.llmplatform.inference.engine.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Keeps ONNX Runtime's native environment alive until the process ends.
 * <p>
 * ONNX Runtime's Java binding registers a JVM shutdown hook that releases the native environment, and the JVM
 * runs shutdown hooks concurrently with each other and with every thread still running: on SIGTERM the
 * environment is freed while the service's own hook still drains its engines ({@code drain-timeout}), and an
 * engine step that then runs dereferences the freed environment and crashes the JVM (a SIGSEGV at a small
 * address in {@code OrtSession.run} during a ServeBench run that was stopped; an abort on
 * {@code unique_ptr<onnxruntime::Environment>} in a test). No hook of ours can run before that one, so the
 * environment takes one more reference here, through the binding's own native call that created it (the
 * native environment is a counted singleton): the binding's hook then only drops it to one, and the memory
 * goes with the process.
 */
public final class OrtEnvironmentPin {

    private static final Logger LOG = LoggerFactory.getLogger(OrtEnvironmentPin.class);

    private static volatile boolean pinned;

    private OrtEnvironmentPin() {
    }

    /** Takes the extra reference once per JVM; true when it is held (false: the binding's internals moved). */
    public static synchronized boolean pin(OrtEnvironment env) {
        if (pinned) {
            return true;
        }
        try {
            Field api = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("ortApiHandle");
            api.setAccessible(true);
            Method create = OrtEnvironment.class.getDeclaredMethod("createHandle", long.class, int.class, String.class);
            create.setAccessible(true);
            Method handle = OrtEnvironment.class.getDeclaredMethod("getNativeHandle");
            handle.setAccessible(true);
            long again = (long) create.invoke(null, api.getLong(null),
                    OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING.getValue(), "pin");
            if (again != (long) handle.invoke(env)) {
                LOG.warn("ONNX Runtime gave a second environment; a shutdown during an engine step may crash the JVM");
                return false;
            }
            pinned = true;
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot keep ONNX Runtime's environment past its shutdown hook ({}); a shutdown during an"
                    + " engine step may crash the JVM", e.toString());
            return false;
        }
    }
}
