package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.GenerationEvent;

/** An event of choice {@code index}, once the choices' streams are merged. */
public record IndexedEvent(int index, GenerationEvent event) {
}
