package dev.llmplatform.training.registry;

import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.contracts.ModelEvent.State;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.discovery.ModelStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the store holds, version by version, as the watcher last saw it; and the one registry
 * record per model name derived from it: the newest ready version serves, a newer one not ready yet
 * is shown as pending, and a model with no ready version shows why (converting or failed).
 */
final class ModelCatalog {

    /** One version folder and its status. */
    record Entry(String name, String version, ModelStatus status, int contextLength, double evalLoss,
                 String trainingJobId, long createdEpochMs) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    void put(Entry entry) {
        entries.put(entry.name() + ":" + entry.version(), entry);
    }

    Optional<Entry> get(String name, String version) {
        return Optional.ofNullable(entries.get(name + ":" + version));
    }

    void remove(String key) {
        entries.remove(key);
    }

    boolean contains(String key) {
        return entries.containsKey(key);
    }

    List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    /** The registry record for a model name, or empty when no version of it is left (a tombstone). */
    Optional<ModelEvent> eventFor(String name) {
        List<Entry> versions = new ArrayList<>(entries.values().stream().filter(e -> e.name().equals(name)).toList());
        if (versions.isEmpty()) {
            return Optional.empty();
        }
        Comparator<Entry> byVersion = Comparator.comparing(Entry::version, ModelStore.VERSION_ORDER);
        versions.sort(byVersion);
        Entry newest = versions.getLast();
        Entry serving = versions.reversed().stream().filter(e -> e.status().state() == State.READY).findFirst().orElse(newest);
        ModelEvent.Pending pending = serving == newest ? null : new ModelEvent.Pending(newest.version(),
                newest.status().state(), newest.status().progress(), newest.status().message());
        ModelStatus s = serving.status();
        return Optional.of(new ModelEvent(ModelEvent.CURRENT_VERSION, name, serving.version(), s.kind(),
                s.parameterCount() == null ? 0 : s.parameterCount(), serving.contextLength(), serving.evalLoss(),
                serving.trainingJobId(), serving.createdEpochMs(), s.state(), s.progress(), s.message(),
                s.architecture(), s.sourceFormat(), s.weightFormat(), s.chatTemplate(), pending));
    }
}
