package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.TrainingEvent;

/**
 * What the gateway knows about one training job at one moment.
 *
 * @param model  the model name the job publishes; null when only its events have been seen so far
 * @param latest the latest progress event; null while the training-service has not reported yet
 * @param owner  the identity of the key that submitted it ({@code key:<sha256>}); null: anyone's
 */
public record JobSnapshot(String id, String model, TrainingEvent.Status status, TrainingEvent latest,
                          long createdEpochMs, long updatedEpochMs, String owner) {

    /** Whether {@code client} (a {@code ClientIdentity} id) may list, read, follow or cancel the job. */
    public boolean visibleTo(String client) {
        return owner == null || owner.equals(client);
    }

    public boolean isTerminal() {
        return status.isTerminal();
    }
}
