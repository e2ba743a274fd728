package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.training.TrainingProtocol.ArchitectureBody;
import dev.llmplatform.gateway.training.TrainingProtocol.CreateJobRequest;
import dev.llmplatform.gateway.training.TrainingProtocol.DatasetBody;
import dev.llmplatform.gateway.training.TrainingProtocol.TokenizerBody;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.SafePaths;

/**
 * Checks a training request before anything is published and turns it into a {@link TrainingSpec};
 * the first problem becomes a 400 naming the parameter ({@code architecture.hidden}, …). The limits
 * keep one job within what the CPU training engine can run; the training-service checks again.
 */
final class TrainingRequestValidator {

    static final String SYNTHETIC = "synthetic";
    /** The synthetic stories with tool-use chats between them (the starter's corpus). */
    static final String SYNTHETIC_TOOLS = "synthetic-tools";
    static final String FILES = "files";

    /** The vocabulary a reused tokenizer is assumed to have when the parameters are estimated (the largest new one). */
    static final int REUSED_VOCAB_ESTIMATE = 32_000;

    private final ModelRegistry registry;
    private final GatewayProperties.Training limits;

    TrainingRequestValidator(ModelRegistry registry, GatewayProperties.Training limits) {
        this.registry = registry;
        this.limits = limits;
    }

    TrainingSpec validate(CreateJobRequest r) {
        if (r == null) {
            throw ApiException.invalid(null, "The request needs a JSON body");
        }
        if (r.model() == null || r.model().isBlank()) {
            throw ApiException.invalid("model", "You must provide a model parameter: the name to publish the trained model as");
        }
        if (!ModelStore.isSafeName(r.model())) {
            throw ApiException.invalid("model", "Invalid model name '" + ErrorInfo.cut(r.model(), 100)
                    + "': use letters, digits, '.', '_' or '-' (at most 128 characters, no '..')");
        }
        TrainingSpec.Dataset dataset = dataset(r.dataset());
        TrainingSpec.TokenizerSpec tokenizer = tokenizer(r.tokenizer());
        TrainingSpec.Architecture architecture = architecture(r.architecture());
        int steps = required("steps", r.steps(), 1, 100_000);
        int batchSize = required("batch_size", r.batchSize(), 1, 256);
        if (r.learningRate() == null) {
            throw ApiException.invalid("learning_rate", "You must provide learning_rate");
        }
        if (!(r.learningRate() > 0 && r.learningRate() <= 1)) {
            throw ApiException.invalid("learning_rate", "learning_rate must be in (0, 1], got " + r.learningRate());
        }
        // 0 leaves the interval to the training-service: checkpoints only at the end, ten evaluations per run.
        int checkpointEvery = optional("checkpoint_every", r.checkpointEvery(), 1, steps);
        int evalEvery = optional("eval_every", r.evalEvery(), 1, steps);
        long seed = r.seed() == null ? 0 : r.seed();
        checkSize(architecture, tokenizer, steps, batchSize);
        return new TrainingSpec(r.model(), dataset, tokenizer, architecture, steps, batchSize, r.learningRate(), seed,
                checkpointEvery, evalEvery);
    }

    private static TrainingSpec.Dataset dataset(DatasetBody d) {
        if (d == null) {
            throw ApiException.invalid("dataset", "You must provide a dataset: {\"type\":\"synthetic\"} or"
                    + " {\"type\":\"files\",\"path\":\"relative/path\"}");
        }
        if (SYNTHETIC.equals(d.type()) || SYNTHETIC_TOOLS.equals(d.type())) {
            if (d.path() != null) {
                throw ApiException.invalid("dataset.path", "A synthetic dataset takes no path");
            }
            if (d.documents() != null) {
                required("dataset.documents", d.documents(), 1, 1_000_000);
            }
            return new TrainingSpec.Dataset(d.type(), null, d.seed(), d.documents());
        }
        if (FILES.equals(d.type())) {
            if (d.seed() != null || d.documents() != null) {
                throw ApiException.invalid(d.seed() != null ? "dataset.seed" : "dataset.documents",
                        "seed and documents are for synthetic datasets only");
            }
            return new TrainingSpec.Dataset(FILES, relativePath(d.path()), null, null);
        }
        throw ApiException.invalid("dataset.type", "dataset.type must be 'synthetic', 'synthetic-tools' or 'files', got "
                + (d.type() == null ? "nothing" : "'" + d.type() + "'"));
    }

    /** Relative to the training-service's data root, and unable to leave it (links are checked there, on the real path). */
    private static String relativePath(String path) {
        if (path == null || path.isBlank()) {
            throw ApiException.invalid("dataset.path", "A files dataset needs a path relative to the data root");
        }
        String problem = SafePaths.problem(path);
        if (problem != null) {
            throw ApiException.invalid("dataset.path", "Invalid dataset.path '" + ErrorInfo.cut(path, 100) + "': " + problem);
        }
        return path;
    }

    private TrainingSpec.TokenizerSpec tokenizer(TokenizerBody t) {
        if (t == null || (t.vocabSize() == null) == (t.reuseModel() == null)) {
            throw ApiException.invalid("tokenizer", "tokenizer needs exactly one of vocab_size (train a new one)"
                    + " or reuse_model (the tokenizer of an existing model)");
        }
        if (t.vocabSize() != null) {
            return new TrainingSpec.TokenizerSpec(required("tokenizer.vocab_size", t.vocabSize(), 260, 32_000), null);
        }
        ModelRegistry.requireValidName(t.reuseModel(), "tokenizer.reuse_model");
        if (registry.find(t.reuseModel()).isEmpty()) {
            throw ApiException.invalid("tokenizer.reuse_model", "The model '" + t.reuseModel() + "' does not exist");
        }
        return new TrainingSpec.TokenizerSpec(null, t.reuseModel());
    }

    private static TrainingSpec.Architecture architecture(ArchitectureBody a) {
        if (a == null) {
            throw ApiException.invalid("architecture", "You must provide an architecture: layers, hidden, heads, context");
        }
        int layers = required("architecture.layers", a.layers(), 1, 12);
        int hidden = required("architecture.hidden", a.hidden(), 16, 1024);
        int heads = required("architecture.heads", a.heads(), 1, hidden);
        if (hidden % heads != 0) {
            throw ApiException.invalid("architecture.heads", "hidden (" + hidden + ") must be divisible by heads (" + heads + ")");
        }
        if ((hidden / heads) % 2 != 0) {
            // Rotary positions rotate pairs of dimensions.
            throw ApiException.invalid("architecture.heads", "hidden / heads (the head size) must be even, got "
                    + hidden / heads);
        }
        int kvHeads = a.kvHeads() == null ? heads : required("architecture.kv_heads", a.kvHeads(), 1, heads);
        if (heads % kvHeads != 0) {
            throw ApiException.invalid("architecture.kv_heads", "heads (" + heads + ") must be divisible by kv_heads ("
                    + kvHeads + ")");
        }
        int context = required("architecture.context", a.context(), 8, 1024);
        Integer intermediate = a.intermediate() == null ? null
                : required("architecture.intermediate", a.intermediate(), 1, 8192);
        return new TrainingSpec.Architecture(layers, hidden, heads, kvHeads, context, intermediate);
    }

    /** The job as a whole: its model's parameters and the tokens it trains on, each within the configured bound. */
    private void checkSize(TrainingSpec.Architecture a, TrainingSpec.TokenizerSpec tokenizer, int steps, int batchSize) {
        int vocab = tokenizer.vocabSize() != null ? tokenizer.vocabSize() : REUSED_VOCAB_ESTIMATE;
        int intermediate = a.intermediate() != null ? a.intermediate() : (((int) Math.ceil(a.hidden() * 8.0 / 3.0)) + 31) / 32 * 32;
        long parameters = ModelConfig.llama(a.layers(), a.heads(), a.kvHeads(), a.hidden(), intermediate, vocab,
                a.context(), 0, 0, true).parameterCount();
        if (parameters > limits.maxParameters()) {
            throw ApiException.invalid("architecture", "The model would have about " + parameters + " parameters;"
                    + " this server trains at most " + limits.maxParameters() + ". Use fewer layers or a smaller hidden size");
        }
        long tokens = (long) steps * batchSize * a.context();
        if (tokens > limits.maxTokens()) {
            throw ApiException.invalid("steps", "The job would train on " + tokens + " tokens (steps × batch_size ×"
                    + " architecture.context); this server allows at most " + limits.maxTokens() + " per job");
        }
    }

    private static int required(String param, Integer value, int min, int max) {
        if (value == null) {
            throw ApiException.invalid(param, "You must provide " + param);
        }
        if (value < min || value > max) {
            throw ApiException.invalid(param, param + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** 0 when left out. */
    private static int optional(String param, Integer value, int min, int max) {
        return value == null ? 0 : required(param, value, min, max);
    }
}
