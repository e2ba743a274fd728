package dev.llmplatform.gateway.embeddings;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.gateway.embeddings.EmbeddingsProtocol.EmbeddingRequest;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.serving.Unrecognized;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks an embeddings request before anything is published: a served encoder model, one string or
 * 1..64 non-empty strings (token-id inputs are not supported), and an encoding format we write.
 */
final class EmbeddingRequestValidator {

    static final String FLOAT = "float";
    static final String BASE64 = "base64";

    private final ModelRegistry registry;

    EmbeddingRequestValidator(ModelRegistry registry) {
        this.registry = registry;
    }

    /** The texts to embed, in order. */
    List<String> validate(EmbeddingRequest request) {
        Unrecognized.refuse(request.unrecognized(), "");
        checkModel(request.model());
        if (request.dimensions() != null) {
            throw ApiException.invalid("dimensions", "dimensions is not supported: the model's vectors are returned"
                    + " at their full size");
        }
        String format = request.encodingFormat();
        if (format != null && !FLOAT.equals(format) && !BASE64.equals(format)) {
            throw ApiException.invalid("encoding_format", "encoding_format must be 'float' or 'base64', got '" + format + "'");
        }
        return inputs(request.input());
    }

    private RegisteredModel checkModel(String model) {
        if (model == null || model.isBlank()) {
            throw ApiException.invalid("model", "You must provide a model parameter");
        }
        RegisteredModel found = registry.requireServing(model);
        if (!"encoder".equals(found.kind())) {
            throw ApiException.invalid("model", "The model '" + model + "' does not support embeddings: it is a "
                    + found.kind() + "; use an encoder model");
        }
        return found;
    }

    private static List<String> inputs(JsonNode input) {
        if (input == null || input.isNull()) {
            throw ApiException.invalid("input", "You must provide an input");
        }
        if (input.isString()) {
            return List.of(nonEmpty(input.asString(), "input"));
        }
        if (!input.isArray()) {
            throw ApiException.invalid("input", "input must be a string or an array of strings");
        }
        if (input.isEmpty()) {
            throw ApiException.invalid("input", "input must not be an empty array");
        }
        if (input.size() > AnalysisRequest.MAX_EMBEDDING_INPUTS) {
            throw ApiException.invalid("input", "input may hold at most " + AnalysisRequest.MAX_EMBEDDING_INPUTS
                    + " strings, got " + input.size());
        }
        List<String> texts = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (item.isNumber() || item.isArray()) {
                throw ApiException.invalid("input", "Inputs of token ids are not supported: send text");
            }
            if (!item.isString()) {
                throw ApiException.invalid("input", "input must be a string or an array of strings");
            }
            texts.add(nonEmpty(item.asString(), "input[" + i + "]"));
        }
        return texts;
    }

    private static String nonEmpty(String text, String param) {
        if (text.isEmpty()) {
            throw ApiException.invalid(param, param + " must not be an empty string");
        }
        return text;
    }
}
