package dev.llmplatform.gateway.rerank;

import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.rerank.RerankProtocol.RerankRequest;
import dev.llmplatform.gateway.rerank.ScoreProtocol.ScoreRequest;
import dev.llmplatform.gateway.rerank.ScoringPlan.Text;
import dev.llmplatform.gateway.serving.Unrecognized;
import dev.llmplatform.model.ModelKind;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Checks a rerank or score request before anything is published: a served encoder or cross-encoder model, non-empty
 * texts, at most {@code llm.gateway.rerank.max-documents} documents (or pairs), {@code top_n} ≥ 1,
 * and no field the platform does not implement. Every refusal is a 400 naming the field.
 */
final class RerankRequestValidator {

    /** What a rerank asks for: the model's kind, the documents' texts in request order and how to answer. */
    record Rerank(String kind, ScoringPlan plan, List<String> documents, int topN, boolean returnDocuments) {
    }

    /** What a score request asks for: the model's kind and the pairs. */
    record Scoring(String kind, ScoringPlan plan) {
    }

    private final ModelRegistry registry;
    private final int maxDocuments;

    RerankRequestValidator(ModelRegistry registry, int maxDocuments) {
        this.registry = registry;
        this.maxDocuments = maxDocuments;
    }

    Rerank rerank(RerankRequest request) {
        Unrecognized.refuse(request.unrecognized(), "");
        String kind = checkModel(request.model(), "rerank");
        String query = text(request.query(), "query");
        JsonNode documents = request.documents();
        if (documents == null || documents.isNull()) {
            throw ApiException.invalid("documents", "You must provide documents");
        }
        if (!documents.isArray()) {
            throw ApiException.invalid("documents", "documents must be an array of strings or of {\"text\": …} objects");
        }
        checkCount(documents.size(), "documents", "documents");
        List<Text> texts = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            texts.add(new Text(document(documents.get(i), "documents[" + i + "]"), "documents[" + i + "]"));
        }
        if (request.topN() != null && request.topN() < 1) {
            throw ApiException.invalid("top_n", "top_n must be at least 1, got " + request.topN());
        }
        int topN = request.topN() == null ? texts.size() : Math.min(request.topN(), texts.size());
        List<Text> queries = Collections.nCopies(texts.size(), new Text(query, "query"));
        return new Rerank(kind, ScoringPlan.of(queries, texts), texts.stream().map(Text::text).toList(), topN,
                request.returnDocuments() == null || request.returnDocuments());
    }

    /** vLLM's pairing: 1:1, 1:N (the one first text against each second text) or N:N (position by position). */
    Scoring score(ScoreRequest request) {
        Unrecognized.refuse(request.unrecognized(), "");
        String kind = checkModel(request.model(), "score");
        List<Text> first = texts(request.text1(), "text_1");
        List<Text> second = texts(request.text2(), "text_2");
        if (first.size() > 1 && first.size() != second.size()) {
            throw ApiException.invalid("text_2", "text_1 holds " + first.size() + " texts and text_2 " + second.size()
                    + ": the lengths must be 1:1, 1:N or N:N");
        }
        checkCount(second.size(), "text_2", "texts");
        if (first.size() == 1) {
            first = Collections.nCopies(second.size(), first.getFirst());
        }
        return new Scoring(kind, ScoringPlan.of(first, second));
    }

    /** The kind of the served model: an encoder (bi-encoder) or a cross-encoder. */
    private String checkModel(String model, String endpoint) {
        if (model == null || model.isBlank()) {
            throw ApiException.invalid("model", "You must provide a model parameter");
        }
        RegisteredModel found = registry.requireServing(model);
        if (!ModelKind.isEncoder(found.kind())) {
            throw ApiException.invalid("model", "The model '" + model + "' does not support " + endpoint + ": it is a "
                    + found.kind() + "; use an encoder or cross-encoder model");
        }
        return found.kind();
    }

    private void checkCount(int count, String param, String what) {
        if (count == 0) {
            throw ApiException.invalid(param, param + " must not be empty");
        }
        if (count > maxDocuments) {
            throw ApiException.invalid(param, param + " may hold at most " + maxDocuments + " " + what + ", got " + count
                    + " (llm.gateway.rerank.max-documents)");
        }
    }

    /** A string, or a list of strings (each named {@code param[i]}); a list of one is named {@code param[0]}. */
    private static List<Text> texts(JsonNode node, String param) {
        if (node != null && node.isArray()) {
            if (node.isEmpty()) {
                throw ApiException.invalid(param, param + " must not be empty");
            }
            List<Text> texts = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                String name = param + "[" + i + "]";
                texts.add(new Text(text(node.get(i), name), name));
            }
            return texts;
        }
        return List.of(new Text(text(node, param), param));
    }

    private static String document(JsonNode node, String param) {
        if (node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!"text".equals(field.getKey())) {
                    throw ApiException.invalid(param + "." + field.getKey(), "Unrecognized request argument supplied: "
                            + param + "." + field.getKey() + " (a document object holds only \"text\")");
                }
            }
            return text(node.get("text"), param + ".text");
        }
        if (node != null && !node.isString()) {
            throw ApiException.invalid(param, param + " must be a string or an object {\"text\": …}");
        }
        return text(node, param);
    }

    private static String text(JsonNode node, String param) {
        if (node == null || node.isNull()) {
            throw ApiException.invalid(param, "You must provide " + param);
        }
        if (!node.isString()) {
            throw ApiException.invalid(param, param + " must be a string");
        }
        if (node.asString().isEmpty()) {
            throw ApiException.invalid(param, param + " must not be an empty string");
        }
        return node.asString();
    }
}
