package dev.llmplatform.gateway.models;

import dev.llmplatform.model.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models this gateway knows, by name: the store's listing at start-up, then every publication
 * on the registry topic. Requests are checked against it before anything is published. Reads are
 * lock-free, so the event loop can use it.
 */
public final class ModelRegistry {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    private final Map<String, RegisteredModel> models = new ConcurrentHashMap<>();

    /** Registers the latest version of every model in the store. */
    public static ModelRegistry fromStore(ModelStore store) {
        ModelRegistry registry = new ModelRegistry();
        for (String name : store.modelNames()) {
            try {
                store.openLatest(name).map(RegisteredModel::of).ifPresent(registry::register);
            } catch (RuntimeException e) {
                log.warn("skipping model {} of store {}: {}", name, store.root(), e.getMessage());
            }
        }
        log.info("model store {} holds {}", store.root(), registry.names());
        return registry;
    }

    /**
     * Adds or replaces a model. A replay of an older publication (compaction may not have run yet)
     * never replaces a newer version.
     */
    public void register(RegisteredModel model) {
        models.merge(model.name(), model,
                (current, candidate) -> candidate.createdEpochMs() >= current.createdEpochMs() ? candidate : current);
    }

    public void remove(String name) {
        if (name != null) {
            models.remove(name);
        }
    }

    public Optional<RegisteredModel> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(models.get(name));
    }

    public List<RegisteredModel> list() {
        return models.values().stream().sorted(Comparator.comparing(RegisteredModel::name)).toList();
    }

    public List<String> names() {
        return list().stream().map(RegisteredModel::name).toList();
    }
}
