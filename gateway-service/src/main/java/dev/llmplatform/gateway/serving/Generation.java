package dev.llmplatform.gateway.serving;

import reactor.core.publisher.Flux;

/**
 * A request's generation, started by {@link GenerationServing#start}: its id, how many choices it
 * generates, and their merged events (cold: subscribing admits and publishes the requests).
 */
public record Generation(ResponseId id, int choices, Flux<IndexedEvent> events) {
}
