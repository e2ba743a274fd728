package dev.llmplatform.gateway.support;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.gateway.generation.GenerationClient;
import dev.llmplatform.topics.Topics;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A generation back end without Kafka for controller slices: answers each request with
 * {@link Replies#scripted} and remembers what was asked, so tests can check nothing was
 * published for a rejected request. Scripts that send no last event never complete.
 */
public final class ScriptedGenerationClient implements GenerationClient {

    private final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public ReplyTo replyTo() {
        return new ReplyTo(Topics.GENERATION_EVENTS.name(), 0);
    }

    @Override
    public Flux<GenerationEvent> generate(GenerationRequest request) {
        return Flux.defer(() -> {
            requests.add(request);
            List<GenerationEvent> events = Replies.scripted(request.requestId(), request.prompt());
            boolean ends = !events.isEmpty() && !(events.getLast() instanceof GenerationEvent.Delta);
            Flux<GenerationEvent> replies = Flux.fromIterable(events);
            return ends ? replies : replies.concatWith(Flux.never());
        });
    }

    public List<GenerationRequest> requests() {
        return requests;
    }

    public void clear() {
        requests.clear();
    }
}
