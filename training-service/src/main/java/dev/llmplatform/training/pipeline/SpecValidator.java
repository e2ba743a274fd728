package dev.llmplatform.training.pipeline;

import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.bpe.ByteLevelBpeTrainer;
import dev.llmplatform.training.corpus.Datasets;
import dev.llmplatform.training.loop.TrainingPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a job's spec before anything runs. The gateway validates too, but a record can come from
 * any producer, so the service that spends hours on it checks again. Every problem is reported at
 * once, so a user fixes a spec in one go.
 */
public final class SpecValidator {

    static final int MAX_LAYERS = 64;
    static final int MAX_HIDDEN = 8_192;
    static final int MAX_CONTEXT = 8_192;
    static final int MAX_VOCAB = 131_072;
    static final int MAX_STEPS = 10_000_000;
    static final int MAX_BATCH = 4_096;
    static final int MAX_DOCUMENTS = 10_000_000;
    /** The ONNX writer keeps a model in one protobuf (< 2 GiB of float32). */
    static final long MAX_PARAMETERS = 400_000_000L;

    private SpecValidator() {
    }

    /** @throws IllegalArgumentException naming every problem */
    public static void validate(TrainingSpec spec) {
        List<String> problems = new ArrayList<>();
        if (!ModelStore.isSafeName(spec.model())) {
            problems.add("model must be 1-128 letters, digits, '.', '_' or '-'");
        }
        dataset(spec.dataset(), problems);
        Integer vocab = tokenizer(spec.tokenizer(), problems);
        architecture(spec.architecture(), vocab, problems);
        check(spec.steps() >= 1 && spec.steps() <= MAX_STEPS, "steps must be 1.." + MAX_STEPS, problems);
        check(spec.batchSize() >= 1 && spec.batchSize() <= MAX_BATCH, "batchSize must be 1.." + MAX_BATCH, problems);
        check(spec.learningRate() > 0 && spec.learningRate() <= 1, "learningRate must be in (0, 1]", problems);
        check(spec.checkpointEvery() >= 0, "checkpointEvery must be >= 0", problems);
        check(spec.evalEvery() >= 0, "evalEvery must be >= 0", problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid training spec: " + String.join("; ", problems));
        }
    }

    private static void dataset(TrainingSpec.Dataset d, List<String> problems) {
        switch (d.type()) {
            case Datasets.SYNTHETIC, Datasets.SYNTHETIC_TOOLS -> check(d.documents() == null || (d.documents() >= 2 && d.documents() <= MAX_DOCUMENTS),
                    "dataset.documents must be 2.." + MAX_DOCUMENTS, problems);
            case Datasets.FILES -> check(d.path() != null && !d.path().isBlank(),
                    "a files dataset needs dataset.path (relative to the dataset root)", problems);
            default -> problems.add("dataset.type must be 'synthetic', 'synthetic-tools' or 'files'");
        }
    }

    /** The vocabulary size to check the architecture against, when known before the tokenizer exists. */
    private static Integer tokenizer(TrainingSpec.TokenizerSpec t, List<String> problems) {
        boolean train = t.vocabSize() != null;
        boolean reuse = t.reuseModel() != null;
        if (train == reuse) {
            problems.add("tokenizer needs exactly one of vocabSize (train a new one) or reuseModel");
            return null;
        }
        if (reuse) {
            check(ModelStore.isSafeName(t.reuseModel()), "tokenizer.reuseModel is not a valid model name", problems);
            return null;
        }
        boolean inRange = t.vocabSize() >= ByteLevelBpeTrainer.MIN_VOCAB_SIZE && t.vocabSize() <= MAX_VOCAB;
        check(inRange, "tokenizer.vocabSize must be " + ByteLevelBpeTrainer.MIN_VOCAB_SIZE + ".." + MAX_VOCAB, problems);
        return inRange ? t.vocabSize() : null;
    }

    private static void architecture(TrainingSpec.Architecture a, Integer vocab, List<String> problems) {
        int before = problems.size();
        check(a.layers() >= 1 && a.layers() <= MAX_LAYERS, "architecture.layers must be 1.." + MAX_LAYERS, problems);
        check(a.hidden() >= 2 && a.hidden() <= MAX_HIDDEN, "architecture.hidden must be 2.." + MAX_HIDDEN, problems);
        check(a.heads() >= 1 && a.heads() <= a.hidden(), "architecture.heads must be 1..hidden", problems);
        check(a.context() >= 2 && a.context() <= MAX_CONTEXT, "architecture.context must be 2.." + MAX_CONTEXT, problems);
        check(a.intermediate() == null || (a.intermediate() >= 1 && a.intermediate() <= 4 * MAX_HIDDEN),
                "architecture.intermediate must be 1.." + 4 * MAX_HIDDEN, problems);
        if (problems.size() > before) {
            return;
        }
        if (a.hidden() % a.heads() != 0 || (a.hidden() / a.heads()) % 2 != 0) {
            problems.add("architecture.hidden / heads must be a whole, even head dimension (rotary positions)");
        }
        if (a.kvHeads() < 0 || (a.kvHeads() > 0 && a.heads() % a.kvHeads() != 0)) {
            problems.add("architecture.kvHeads must be 0 (= heads) or divide heads");
        }
        if (vocab != null && problems.size() == before) {
            int intermediate = a.intermediate() != null ? a.intermediate() : TrainingPlan.defaultIntermediate(a.hidden());
            long parameters = ModelConfig.llama(a.layers(), a.heads(), a.kvHeads() > 0 ? a.kvHeads() : a.heads(),
                    a.hidden(), intermediate, vocab, a.context(), 0, 0, true).parameterCount();
            check(parameters <= MAX_PARAMETERS, "the model would have " + parameters + " parameters, more than "
                    + MAX_PARAMETERS, problems);
        }
    }

    private static void check(boolean ok, String problem, List<String> problems) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
