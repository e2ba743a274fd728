package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.InferenceRequest;
import dev.llmplatform.inference.engine.EngineRequest;
import dev.llmplatform.kafka.TraceHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Starts and cancels generations: finds the request's model engine, opens its token stream and
 * submits it. A model that cannot be served ends the request at once with an error event.
 */
public final class GenerationService {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationService.class);

    private final ModelEngines engines;
    private final TokenEventPublisher publisher;

    public GenerationService(ModelEngines engines, TokenEventPublisher publisher) {
        this.engines = engines;
        this.publisher = publisher;
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
        model.engine().submit(toEngineRequest(request));
    }

    public void cancel(String requestId) {
        engines.cancel(requestId);
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
