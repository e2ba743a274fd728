package dev.llmplatform.gateway.batches;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.gateway.error.ApiException;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The batches of this gateway instance, in memory: lost on restart and invisible to other
 * instances (a client reads a batch from the instance it created it on). At most
 * {@code maxBatches} are kept; the oldest finished one makes room for a new one.
 */
final class BatchStore {

    private final int maxBatches;
    private final Map<String, Batch> batches = new LinkedHashMap<>();

    BatchStore(int maxBatches) {
        this.maxBatches = maxBatches;
    }

    /** Adds the batch, forgetting the oldest finished ones if needed; a 429 when all kept ones still run. */
    synchronized void add(Batch batch) {
        while (batches.size() >= maxBatches) {
            Optional<Batch> oldestFinished = batches.values().stream()
                    .filter(b -> b.status().isTerminal())
                    .min(Comparator.comparingLong(Batch::createdAt));
            if (oldestFinished.isEmpty()) {
                throw new ApiException(new ErrorInfo(429, "invalid_request_error", "This gateway already runs "
                        + maxBatches + " batches; wait for one to finish or cancel one", null, "too_many_batches"));
            }
            batches.remove(oldestFinished.get().id());
        }
        batches.put(batch.id(), batch);
    }

    synchronized Optional<Batch> find(String id, String client) {
        return Optional.ofNullable(batches.get(id)).filter(b -> b.visibleTo(client));
    }

    /** Newest first. */
    synchronized List<Batch> list(String client) {
        return batches.values().stream().filter(b -> b.visibleTo(client)).toList().reversed();
    }
}
