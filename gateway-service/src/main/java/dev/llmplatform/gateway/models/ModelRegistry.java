package dev.llmplatform.gateway.models;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.model.ModelStore;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models this gateway knows, by name, as the registry topic announces them (read to its end
 * before the gateway starts, then followed). Requests are checked against it before anything is
 * published. Reads are lock-free, so the event loop can use it.
 */
public final class ModelRegistry {

    private final Map<String, RegisteredModel> models = new ConcurrentHashMap<>();

    /**
     * Adds or replaces a model. The registry topic has one writer and one partition, so the last
     * record read is the model's current state, even when it names an older version (a newer one
     * was removed from the store).
     */
    public void register(RegisteredModel model) {
        models.put(model.name(), model);
    }

    public void remove(String name) {
        if (name != null) {
            models.remove(name);
        }
    }

    /**
     * The model a request names, when it can serve: 404 when unknown, 503 with {@code Retry-After}
     * while its only version is still being converted, 400 naming the reason when it failed.
     */
    public RegisteredModel requireServing(String name) {
        requireValidName(name, "model");
        RegisteredModel model = find(name).orElseThrow(() -> ApiException.modelNotFound(name));
        return switch (model.state()) {
            case READY -> model;
            case CONVERTING -> throw ApiException.modelNotReady(name, model.event().progress());
            case FAILED -> throw ApiException.invalid("model", "The model '" + name + "' cannot be served: "
                    + model.event().message());
        };
    }

    /**
     * A 400 naming {@code param} when {@code name} could never be a model's: store folder names are
     * letters, digits, '.', '_' or '-' (at most 128, no '..'), so a path, a look-alike character or an
     * enormous name is refused as such, before any lookup, rather than reported as a missing model.
     */
    public static void requireValidName(String name, String param) {
        if (name != null && !ModelStore.isSafeName(name)) {
            throw ApiException.invalid(param, "Invalid model name '" + ErrorInfo.cut(name, 100) + "': a model name is"
                    + " letters, digits, '.', '_' or '-' (at most 128 characters, no '..')");
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
