package dev.llmplatform.inference.engine.onnx;

import dev.llmplatform.model.Float32Copies;
import dev.llmplatform.model.ModelNotReadyException;
import dev.llmplatform.model.ModelPackage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Opens the decoder a model version serves, whatever the folder holds: the platform's graph, the
 * chosen variant of a user's ONNX export (weights in external data beside it: the session is created
 * from the file's path, so ONNX Runtime finds them relative to the graph), or a checkpoint's converted
 * graph. A float16 graph is served through a float32 copy made once into the folder's
 * {@code .llm-platform/} (the engine feeds and reads float32 past and present tensors). Anything it
 * cannot serve fails with a message naming the file and the problem.
 */
public final class ServedDecoders {

    private static final Logger LOG = LoggerFactory.getLogger(ServedDecoders.class);

    private ServedDecoders() {
    }

    /**
     * @throws ModelNotReadyException   when the version has no graph yet (a checkpoint not converted yet)
     * @throws IllegalArgumentException when the graph cannot be served, naming the file and why
     */
    public static OnnxDecoder open(ModelPackage pkg, DecoderOptions options) {
        Path graph = pkg.modelFile();
        String file = pkg.dir().relativize(graph).toString();
        String name = pkg.name() + ":" + pkg.version();
        Float32Copies.Served served;
        try {
            long start = System.nanoTime();
            served = Float32Copies.servable(pkg.layout(), graph);
            if (served.converted()) {
                LOG.info("model {}: {} takes float16 inputs and outputs; it is served as a float32 copy ({}, {}, {}): "
                                + "twice the memory of the float16 file ({}) and float32 speed",
                        name, file, pkg.dir().relativize(served.graph().getParent()), megabytes(served.bytes()),
                        served.madeNow() ? "made now in " + (System.nanoTime() - start) / 1_000_000 + " ms" : "made before",
                        megabytes(served.sourceBytes()));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot serve " + file + " of " + name + ": " + e.getMessage(), e);
        }
        try {
            return OnnxDecoder.open(served.graph(), pkg.decoderConfig(), options);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot serve " + file + " of " + name + ": " + e.getMessage(), e);
        }
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
