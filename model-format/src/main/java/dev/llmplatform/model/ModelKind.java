package dev.llmplatform.model;

import tools.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Set;

/**
 * What a model does, as {@code manifest.json}'s {@code kind} names it, and how a user's folder without
 * that manifest is classified from its {@code config.json} alone (Hugging Face's {@code architectures},
 * else {@code model_type}):
 * <ul>
 *   <li>{@value #DECODER}: {@code *ForCausalLM}, {@code *LMHeadModel} (GPT-2); generates text;</li>
 *   <li>{@value #ENCODER}: a bare encoder ({@code BertModel}, {@code XLMRobertaModel}, {@code MPNetModel}, …,
 *       or {@code model_type} bert/roberta/xlm-roberta/mpnet/… with no {@code architectures}), as sentence
 *       embedders are exported; embeds, and its embeddings rerank and score (bi-encoder);</li>
 *   <li>{@value #CROSS_ENCODER}: {@code *ForSequenceClassification} with one label ({@code num_labels} 1 or an
 *       {@code id2label} of one entry), as cross-encoder rerankers (ms-marco-MiniLM, bge-reranker) are exported;
 *       reads a (query, document) pair and outputs one relevance logit;</li>
 *   <li>{@value #CLASSIFIER}: a sequence classifier with several labels, which nothing serves yet.</li>
 * </ul>
 * Anything else is taken as a decoder, as folders always were, so the decoder reader names what it cannot take.
 */
public final class ModelKind {

    public static final String DECODER = "decoder";
    public static final String ENCODER = "encoder";
    public static final String CROSS_ENCODER = "cross-encoder";
    public static final String CLASSIFIER = "classifier";

    /** {@code model_type}s of encoder-only families (bare {@code *Model} architectures of these are encoders). */
    static final Set<String> ENCODER_TYPES = Set.of("bert", "roberta", "xlm-roberta", "mpnet", "distilbert", "electra",
            "deberta", "deberta-v2", "albert", "camembert", "modernbert", "nomic_bert", "new", "e5", "bge-m3");

    /** Hugging Face's default when a config says neither {@code num_labels} nor {@code id2label}. */
    static final int DEFAULT_LABELS = 2;

    private ModelKind() {
    }

    /** The kind of a model from its parsed {@code config.json}. */
    public static String of(JsonNode config) {
        String architecture = firstArchitecture(config);
        String type = config.path("model_type").asString("").toLowerCase(Locale.ROOT);
        if (architecture == null) {
            return ENCODER_TYPES.contains(type) ? ENCODER : DECODER;
        }
        if (architecture.endsWith("ForCausalLM") || architecture.endsWith("LMHeadModel")) {
            return DECODER;
        }
        if (architecture.endsWith("ForSequenceClassification")) {
            return labels(config) == 1 ? CROSS_ENCODER : CLASSIFIER;
        }
        if (architecture.endsWith("Model") && (ENCODER_TYPES.contains(type) || encoderFamily(architecture))) {
            return ENCODER;
        }
        return DECODER;
    }

    /** Labels of a classification head: {@code num_labels}, else the size of {@code id2label}, else 2. */
    public static int labels(JsonNode config) {
        JsonNode count = config.path("num_labels");
        if (count.isIntegralNumber()) {
            return count.asInt();
        }
        JsonNode names = config.path("id2label");
        return names.isObject() && !names.isEmpty() ? names.size() : DEFAULT_LABELS;
    }

    /** Whether a model of this kind runs as an encoder graph (no generation, no KV cache). */
    public static boolean isEncoder(String kind) {
        return ENCODER.equals(kind) || CROSS_ENCODER.equals(kind);
    }

    private static String firstArchitecture(JsonNode config) {
        JsonNode architectures = config.path("architectures");
        return architectures.isArray() && !architectures.isEmpty() && architectures.get(0).isString()
                ? architectures.get(0).asString() : null;
    }

    /** Bare architectures of encoder families, for a config that leaves {@code model_type} out. */
    private static boolean encoderFamily(String architecture) {
        for (String prefix : new String[]{"Bert", "Roberta", "XLMRoberta", "MPNet", "DistilBert", "Electra", "Deberta",
                "Albert", "Camembert", "ModernBert", "NomicBert"}) {
            if (architecture.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
