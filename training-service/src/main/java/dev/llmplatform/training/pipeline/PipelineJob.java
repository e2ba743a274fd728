package dev.llmplatform.training.pipeline;

import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.training.checkpoint.CheckpointStore;
import dev.llmplatform.training.corpus.Corpus;
import dev.llmplatform.training.corpus.UnigramBaseline;
import dev.llmplatform.training.loop.TokenData;
import dev.llmplatform.training.loop.TrainingPlan;
import dev.llmplatform.training.run.TrainingResult;
import dev.llmplatform.training.run.TrainingRun;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One attempt at one job. {@link #execute()} blocks; {@link #cancel()} may come from any thread and
 * stops the job between phases or before the next training step. Invalid specs and data throw
 * {@link IllegalArgumentException}; a diverging run throws {@code TrainingDivergedException}.
 */
public final class PipelineJob {

    private final TrainingPipeline pipeline;
    private final Path dir;
    private final String jobId;
    private final TrainingSpec spec;
    private final PipelineListener listener;
    private volatile boolean cancelled;
    private volatile TrainingRun run;

    PipelineJob(TrainingPipeline pipeline, Path dir, String jobId, TrainingSpec spec, PipelineListener listener) {
        this.pipeline = pipeline;
        this.dir = dir;
        this.jobId = jobId;
        this.spec = spec;
        this.listener = listener;
    }

    public String jobId() {
        return jobId;
    }

    public void cancel() {
        cancelled = true;
        TrainingRun current = run;
        if (current != null) {
            current.cancel();
        }
    }

    public PipelineResult execute() {
        SpecValidator.validate(spec);
        ModelStore store = pipeline.store();
        Optional<ModelPackage> published = ModelExporter.publishedBy(store, spec.model(), jobId);
        if (published.isPresent()) {
            pipeline.discard(jobId);
            Map<String, Double> metrics = published.get().manifest().evalMetrics();
            return new PipelineResult(PipelineResult.Status.SUCCEEDED, published.get(), null,
                    metrics.getOrDefault(ModelExporter.EVAL_LOSS, Double.NaN),
                    metrics.getOrDefault(ModelExporter.UNIGRAM_EVAL_LOSS, Double.NaN));
        }
        int context = spec.architecture().context();

        listener.onPhase("loading dataset");
        Corpus corpus = pipeline.datasets().load(spec.dataset(), spec.seed());
        if (cancelled) {
            return cancelledBeforeTraining();
        }
        listener.onPhase("preparing tokenizer");
        JobTokenizer tokenizer = JobTokenizer.prepare(dir.resolve("tokenizer"), spec.tokenizer(), corpus.train(),
                context, store);
        if (cancelled) {
            return cancelledBeforeTraining();
        }
        listener.onPhase("tokenizing");
        TokenData data = new TokenData(tokenizer.encode(corpus.train(), context), tokenizer.encode(corpus.eval(), context));
        requireWindows(data, context);
        TrainingPlan plan = TrainingPlan.fromSpec(spec, tokenizer.vocabSize(), tokenizer.bosId(), tokenizer.eosId());
        double unigram = UnigramBaseline.crossEntropy(data.train(), data.eval(), plan.model().vocabSize());

        TrainingRun training = new TrainingRun(plan, data,
                new CheckpointStore(dir.resolve("checkpoints"), pipeline.settings().checkpointKeep()), listener,
                pipeline.settings().threads());
        run = training;
        if (cancelled) {
            training.cancel();
        }
        listener.onPhase("training");
        TrainingResult result = training.execute();
        if (result.status() == TrainingResult.Status.CANCELLED) {
            return new PipelineResult(PipelineResult.Status.CANCELLED, null, result, result.evalLoss(), unigram);
        }

        listener.onPhase("exporting");
        ModelPackage modelPackage = ModelExporter.export(store, spec.model(), jobId, result.weights(), tokenizer,
                Map.of(ModelExporter.EVAL_LOSS, result.evalLoss(), ModelExporter.UNIGRAM_EVAL_LOSS, unigram),
                description(plan, data));
        pipeline.discard(jobId);
        return new PipelineResult(PipelineResult.Status.SUCCEEDED, modelPackage, result, result.evalLoss(), unigram);
    }

    private PipelineResult cancelledBeforeTraining() {
        return new PipelineResult(PipelineResult.Status.CANCELLED, null, null, Double.NaN, Double.NaN);
    }

    /** Training needs one window of context + 1 tokens, evaluation one more; say so rather than fail deep inside. */
    private static void requireWindows(TokenData data, int context) {
        if (data.train().length < context + 1 || data.eval().length < context + 1) {
            throw new IllegalArgumentException("the dataset is too small for context " + context + ": "
                    + data.train().length + " training and " + data.eval().length
                    + " held-out tokens, each needs at least " + (context + 1));
        }
    }

    private String description(TrainingPlan plan, TokenData data) {
        TrainingSpec.Dataset d = spec.dataset();
        String dataset = d.path() != null ? d.type() + " dataset " + d.path() : d.type() + " dataset";
        return "Llama-style decoder trained from scratch by job %s: %d layers, hidden %d, %d heads, context %d; "
                .formatted(jobId, plan.model().layers(), plan.model().hidden(), plan.model().heads(),
                        plan.model().contextLength())
                + "%d steps of %d x %d tokens on the %s (%d training tokens)"
                .formatted(plan.training().steps(), plan.training().batchSize(), plan.training().context(), dataset,
                        data.train().length);
    }
}
