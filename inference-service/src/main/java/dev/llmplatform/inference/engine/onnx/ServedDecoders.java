package dev.llmplatform.inference.engine.onnx;

import dev.llmplatform.model.Float32Copies;
import dev.llmplatform.model.ModelNotReadyException;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.onnx.FusedCopies;
import dev.llmplatform.onnx.KvPrecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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
        Path run = fusedOrSame(pkg, served.graph(), options, name, file);
        try {
            return OnnxDecoder.open(run, pkg.decoderConfig(), options);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot serve " + file + " of " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * On CPU (asked for, or {@code auto} where this ONNX Runtime has no CUDA provider: its GroupQueryAttention
     * takes float16 only on CUDA), the fused form of the graph (a copy in {@code .llm-platform/fused/}) unless the package pins
     * {@code graph_form: plain}: measured faster in every format and batch size (docs/benchmarks.md, issue 16).
     * A graph that cannot be fused, or a copy that fails, is served as it is.
     */
    private static Path fusedOrSame(ModelPackage pkg, Path graph, DecoderOptions options, String name, String file) {
        boolean cpu = options.device() == ExecutionDevice.CPU
                || options.device() == ExecutionDevice.AUTO && !OrtSessions.cudaAvailable();
        KvPrecision kv = KvPrecision.parse(pkg.layout().settings().kvPrecisionOrDefault());
        if (!cpu || !pkg.layout().settings().fusedAllowed()) {
            warnFloat32Cache(kv, name, file, "it does not run in the fused form here");
            return graph;
        }
        StringBuilder why = new StringBuilder();
        try {
            long start = System.nanoTime();
            boolean existed = Files.isDirectory(FusedCopies.copyDir(pkg.layout(), graph, kv));
            Optional<Path> fused = FusedCopies.servable(pkg.layout(), graph, pkg.decoderConfig(), kv, why);
            if (fused.isPresent()) {
                LOG.info("model {}: {} runs in the fused graph form, {} KV cache ({}, {})", name, file, kv.label(),
                        pkg.dir().relativize(fused.get().getParent()),
                        existed ? "made before" : "made now in " + (System.nanoTime() - start) / 1_000_000 + " ms");
                return fused.get();
            }
            LOG.info("model {}: {} runs in the plain graph form: {}", name, file, why);
            warnFloat32Cache(kv, name, file, "the plain form's cache is float32");
        } catch (RuntimeException e) {
            LOG.warn("model {}: no fused copy of {} ({}); it runs in the plain graph form", name, file, e.getMessage());
        }
        return graph;
    }

    /** A float16 cache asked for where the graph runs in the plain form: said, not silently dropped. */
    private static void warnFloat32Cache(KvPrecision kv, String name, String file, String why) {
        if (kv != KvPrecision.FP32) {
            LOG.warn("model {}: kv_precision {} is not applied to {}: {}; its KV cache is float32", name, kv.label(), file, why);
        }
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
