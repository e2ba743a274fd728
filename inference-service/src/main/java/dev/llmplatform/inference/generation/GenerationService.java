package dev.llmplatform.inference.generation;

import dev.llmplatform.constraint.ConstraintException;
import dev.llmplatform.constraint.TokenVocabulary;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.contracts.OutputConstraint;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.inference.engine.EngineRequest;
import dev.llmplatform.inference.engine.constraint.ConstraintCompiler;
import dev.llmplatform.kafka.TraceHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Starts and cancels generations: finds the request's model engine, opens its token stream and
 * submits it. A model that cannot be served ends the request at once with an error event.
 */
public final class GenerationService {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationService.class);

    private final ModelEngines engines;
    private final TokenEventPublisher publisher;
    private final ConstraintCompiler constraints;

    public GenerationService(ModelEngines engines, TokenEventPublisher publisher, ConstraintCompiler constraints) {
        this.engines = engines;
        this.publisher = publisher;
        this.constraints = constraints;
    }

    /** @param trace the request's trace context, put on every token event of it */
    public void start(InferenceRequest request, TraceHeaders trace) {
        ModelEngines.LoadedModel model;
        try {
            model = engines.get(request.model(), request.version());
        } catch (ModelUnavailableException e) {
            publisher.refuse(request.requestId(), request.decode(), request.promptTokenIds().size(), e.error(), trace);
            return;
        }
        if (!publisher.open(request.requestId(), request.decode(), trace)) {
            LOG.warn("request {} is already running here; duplicate record ignored", request.requestId());
            return;
        }
        EngineRequest engineRequest = toEngineRequest(request);
        OutputConstraint constraint = request.sampling().constraint();
        if (constraint == null) {
            model.engine().submit(engineRequest);
            return;
        }
        long start = System.nanoTime();
        constraints.compile(model.key(), () -> vocabulary(model), constraint, engineRequest.stopTokenIds())
                .whenComplete((masks, error) -> {
                    if (error == null) {
                        model.engine().submit(engineRequest.withConstraint(masks));
                        return;
                    }
                    double ms = (System.nanoTime() - start) / 1e6;
                    publisher.onFinished(request.requestId(), FinishReason.ERROR,
                            new Usage(request.promptTokenIds().size(), 0), new Timings(ms, 0, ms), refusal(error));
                });
    }

    private static TokenVocabulary vocabulary(ModelEngines.LoadedModel model) {
        try {
            return TokenVocabulary.read(model.modelPackage().tokenizerFile(), model.decoder().vocabSize());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer of " + model.key() + ": " + e.getMessage(), e);
        }
    }

    private static ErrorInfo refusal(Throwable failure) {
        Throwable error = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (error instanceof ConstraintException c) {
            return ErrorInfo.invalidRequest(c.getMessage(), "response_format");
        }
        if (error instanceof UncheckedIOException io) {   // the package has no readable tokenizer.json
            return ErrorInfo.invalidRequest("this model cannot constrain its output: " + io.getMessage(), "response_format");
        }
        LOG.error("compiling an output constraint failed", error);
        return ErrorInfo.internal("compiling the output constraint failed: " + error.getMessage());
    }

    public void cancel(String requestId) {
        engines.cancel(requestId);
    }

    /** @param afterTokens stop once the request has generated this many tokens (a stop string); null: at once */
    public void cancel(String requestId, Integer afterTokens) {
        engines.cancel(requestId, afterTokens);
    }

    static EngineRequest toEngineRequest(InferenceRequest request) {
        return new EngineRequest(request.requestId(), toArray(request.promptTokenIds()), request.maxTokens(),
                request.sampling(), toArray(request.stopTokenIds()), request.deadlineEpochMs(), request.promptLogprobs(),
                request.priority());
    }

    private static int[] toArray(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
