package dev.llmplatform.gateway.models;

import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelsProtocol.ModelCard;
import dev.llmplatform.gateway.models.ModelsProtocol.ModelList;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}, answered from the in-memory registry. */
@RestController
public class ModelsController {

    private final ModelRegistry registry;

    public ModelsController(ModelRegistry registry) {
        this.registry = registry;
    }

    @GetMapping("/v1/models")
    public Mono<ModelList> list() {
        return Mono.fromSupplier(() -> ModelList.of(registry.list().stream().map(ModelCard::of).toList()));
    }

    @GetMapping("/v1/models/{id}")
    public Mono<ModelCard> get(@PathVariable String id) {
        return Mono.fromSupplier(() -> {
            ModelRegistry.requireValidName(id, "model");
            return id;
        }).map(name -> registry.find(name).map(ModelCard::of).orElseThrow(() -> ApiException.modelNotFound(name)));
    }
}
