package dev.llmplatform.training.registry;

import ai.onnx.proto.OnnxMl;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ModelEvent.State;
import dev.llmplatform.model.Float32Copies;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelKind;
import dev.llmplatform.model.ModelLayout;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.SourceFormat;
import dev.llmplatform.model.discovery.ModelStatus;
import dev.llmplatform.model.discovery.StoreScanner.Settled;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Looks at a settled version folder and says what it is and whether it can serve as it is: a
 * package or ONNX export whose files check out is ready, a checkpoint needs converting, anything
 * unreadable is failed with a message that names the file and the problem. It reads the user's
 * files and writes nothing.
 */
final class ModelInspector {

    /** The weight format shown for a float16 export: the engine runs a float32 copy of it. */
    static final String HALF_AS_FLOAT = "fp16 (run as fp32)";

    /** Graphs larger than this are not parsed here (their weights are inside): inference reports their problems. */
    private static final long MAX_GRAPH_CHECK_BYTES = 256L << 20;

    /** What a folder is, with the facts the registry shows. */
    record Inspection(ModelStatus status, int contextLength, double evalLoss, String trainingJobId, long createdEpochMs) {
    }

    Inspection inspect(Settled folder, long now) {
        String fingerprint = folder.fingerprint().hash();
        if (folder.fingerprint().symlink() != null) {
            return failed("'" + folder.fingerprint().symlink() + "' in " + folder.key()
                    + " is a symbolic link; links could point outside the store and are not followed", null, fingerprint, now);
        }
        Optional<ModelLayout> found = ModelLayout.detect(folder.dir());
        if (found.isEmpty()) {
            return failed(folder.key() + " holds no model: expected config.json and model.safetensors "
                    + "(or shards with model.safetensors.index.json) or an ONNX export (model.onnx or onnx/model.onnx)",
                    null, fingerprint, now);
        }
        ModelLayout layout = found.get();
        String source = layout.format().wireName();
        ModelStatus known = ModelStatus.failed(null, source, fingerprint, now);
        try {
            ModelPackage pkg = ModelPackage.open(folder.name(), folder.version(), folder.dir());
            String kind = pkg.kind();
            known = new ModelStatus(State.READY, null, null, kind, architecture(folder.dir()), source, null,
                    pkg.manifest().parameterCount(), hasChatTemplate(folder.dir()), fingerprint, now);
            long parameters = known.parameterCount();
            if (ModelKind.CLASSIFIER.equals(kind)) {
                throw new IllegalArgumentException(ModelPackage.CONFIG + " describes " + known.architecture() + " with "
                        + ModelKind.labels(Messages.mapper().readTree(Files.readString(folder.dir().resolve(ModelPackage.CONFIG))))
                        + " labels: only one-label classifiers (cross-encoders, for rerank and score) are served");
            }
            boolean decoder = ModelKind.DECODER.equals(kind);
            if (decoder) {
                ModelConfig config = pkg.decoderConfig();
                parameters = parameters > 0 ? parameters : config.parameterCount();
            }
            requireFile(folder.dir(), ModelPackage.TOKENIZER, "the tokenizer", kind);
            if (!decoder && layout.format() == SourceFormat.SAFETENSORS) {
                throw new IllegalArgumentException(folder.key() + " is an " + kind + " checkpoint: only decoders are "
                        + "converted from safetensors; drop an ONNX export of it (optimum-cli export onnx --task "
                        + (ModelKind.CROSS_ENCODER.equals(kind) ? "text-classification" : "feature-extraction") + ")");
            }
            ModelStatus status;
            if (layout.format() == SourceFormat.SAFETENSORS) {
                status = known.converting(0, "waiting to convert to " + layout.settings().weightFormat(), now);
            } else {
                Path graph = layout.servedGraph().orElseThrow(() -> new IllegalArgumentException(
                        folder.key() + ": no ONNX graph to serve"));
                String weights = checkGraph(folder.dir(), graph, kind);
                if (Float32Copies.needsFloat32(graph)) {
                    weights = HALF_AS_FLOAT;
                    known = known.ready(weights, parameters, now);
                    status = Files.isRegularFile(layout.float32Dir(graph).resolve(ModelLayout.CONVERTED_GRAPH)) ? known
                            : known.converting(0, "making a float32 copy of " + folder.dir().relativize(graph), now);
                } else {
                    status = known.ready(weights, parameters, now);
                }
            }
            return new Inspection(status, contextLength(pkg), pkg.manifest().evalLoss(), pkg.manifest().trainingJob(),
                    pkg.manifest().createdEpochMs() > 0 ? pkg.manifest().createdEpochMs() : folder.fingerprint().newestMtime());
        } catch (RuntimeException | IOException e) {
            return new Inspection(known.failed(describe(e), now), 0, Double.NaN, null, now);
        }
    }

    private static Inspection failed(String message, String source, String fingerprint, long now) {
        return new Inspection(ModelStatus.failed(message, source, fingerprint, now), 0, Double.NaN, null, now);
    }

    private static int contextLength(ModelPackage pkg) {
        try {
            return pkg.contextLength();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** {@code architectures[0]} of config.json, or its {@code model_type}. */
    static String architecture(Path dir) throws IOException {
        JsonNode config = Messages.mapper().readTree(Files.readString(dir.resolve(ModelPackage.CONFIG)));
        JsonNode architectures = config.path("architectures");
        if (architectures.isArray() && !architectures.isEmpty()) {
            return architectures.get(0).asString();
        }
        return config.path("model_type").asString(null);
    }

    private static boolean hasChatTemplate(Path dir) {
        Path file = dir.resolve(ModelPackage.TOKENIZER_CONFIG);
        try {
            return Files.isRegularFile(file)
                    && !Messages.mapper().readTree(Files.readString(file)).path("chat_template").isMissingNode();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void requireFile(Path dir, String file, String what, String kind) {
        if (!Files.isRegularFile(dir.resolve(file))) {
            throw new IllegalArgumentException(file + " is missing: " + what + " is needed to serve " + article(kind)
                    + " " + kind);
        }
    }

    private static String article(String kind) {
        return kind.startsWith("e") ? "an" : "a";
    }

    /**
     * Parses a graph that is small enough (an export with external data always is) and checks the
     * inputs the engine feeds and the outputs it reads ({@link GraphChecks}); returns the weight format it holds.
     */
    private static String checkGraph(Path dir, Path graph, String kind) throws IOException {
        String file = dir.relativize(graph).toString();
        if (Files.size(graph) > MAX_GRAPH_CHECK_BYTES) {
            return weightFormatOf(file, null);
        }
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(graph)) {
            model = OnnxMl.ModelProto.parseFrom(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a readable ONNX graph: " + e.getMessage(), e);
        }
        GraphChecks.check(file, model, kind);
        String declared = model.getMetadataPropsList().stream().filter(p -> p.getKey().equals("weight_format"))
                .map(OnnxMl.StringStringEntryProto::getValue).findFirst().orElse(null);
        return weightFormatOf(file, declared);
    }

    /** The graph's weight format: as its metadata declares, else as its file name says (onnx-community's names). */
    static String weightFormatOf(String file, String declared) {
        if (declared != null && !declared.isBlank() && !declared.equals("none")) {
            return declared;
        }
        String n = file.toLowerCase(Locale.ROOT);
        if (n.contains("q4") || n.contains("int4") || n.contains("bnb4")) {
            return "int4";
        }
        if (n.contains("int8") || n.contains("uint8") || n.contains("quantized")) {
            return "int8";
        }
        if (n.contains("fp16")) {
            return HALF_AS_FLOAT;
        }
        return "fp32";
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if ((message == null || message.isBlank()) && cause != null) {
            message = cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
