package dev.llmplatform.model;

import dev.llmplatform.contracts.Messages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A user's folder is classified by what its config.json says it is, as Hugging Face and Optimum write it. */
class ModelKindTest {

    @TempDir
    Path root;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"architectures\":[\"LlamaForCausalLM\"],\"model_type\":\"llama\"}                        | decoder",
            "{\"architectures\":[\"Qwen2ForCausalLM\"]}                                                   | decoder",
            "{\"architectures\":[\"GPT2LMHeadModel\"],\"model_type\":\"gpt2\"}                            | decoder",
            "{\"model_type\":\"llama\"}                                                                   | decoder",
            "{\"architectures\":[\"BertModel\"],\"model_type\":\"bert\"}                                  | encoder",
            "{\"architectures\":[\"XLMRobertaModel\"]}                                                    | encoder",
            "{\"architectures\":[\"MPNetModel\"],\"model_type\":\"mpnet\"}                                | encoder",
            "{\"model_type\":\"xlm-roberta\"}                                                             | encoder",
            "{\"model_type\":\"roberta\"}                                                                 | encoder",
            "{\"architectures\":[\"GPT2Model\"],\"model_type\":\"gpt2\"}                                  | decoder",
            "{\"architectures\":[\"BertForSequenceClassification\"],\"num_labels\":1}                     | cross-encoder",
            "{\"architectures\":[\"XLMRobertaForSequenceClassification\"],\"id2label\":{\"0\":\"LABEL_0\"}} | cross-encoder",
            "{\"architectures\":[\"BertForSequenceClassification\"],\"id2label\":{\"0\":\"NEG\",\"1\":\"POS\"}} | classifier",
            "{\"architectures\":[\"BertForSequenceClassification\"]}                                      | classifier"})
    void shouldDeriveTheKindFromArchitecturesAndModelType(String config, String kind) {
        assertThat(ModelKind.of(Messages.mapper().readTree(config))).isEqualTo(kind);
    }

    @Test
    void shouldPreferNumLabelsOverId2LabelAsHuggingFaceDoes() {
        var config = Messages.mapper().readTree("""
                {"architectures":["BertForSequenceClassification"],"num_labels":1,"id2label":{"0":"A","1":"B"}}""");

        assertThat(ModelKind.labels(config)).isEqualTo(1);
        assertThat(ModelKind.of(config)).isEqualTo(ModelKind.CROSS_ENCODER);
    }

    @Test
    void shouldGiveADroppedInExportWithoutManifestTheKindItsConfigSays() throws IOException {
        folder("reranker", "{\"architectures\":[\"BertForSequenceClassification\"],\"num_labels\":1,"
                + "\"model_type\":\"bert\",\"max_position_embeddings\":512}");
        folder("minilm", "{\"architectures\":[\"BertModel\"],\"model_type\":\"bert\"}");
        ModelStore store = new ModelStore(root);

        ModelPackage reranker = store.openLatest("reranker").orElseThrow();
        ModelPackage minilm = store.openLatest("minilm").orElseThrow();

        assertThat(reranker.kind()).isEqualTo(ModelKind.CROSS_ENCODER);
        assertThat(reranker.format()).isEqualTo(SourceFormat.ONNX);
        assertThat(reranker.manifest().parameterCount()).isZero();
        assertThat(reranker.contextLength()).isEqualTo(512);
        assertThat(minilm.kind()).isEqualTo(ModelKind.ENCODER);
        assertThat(ModelKind.isEncoder(reranker.kind())).isTrue();
        assertThat(ModelKind.isEncoder(ModelKind.DECODER)).isFalse();
    }

    private void folder(String name, String config) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name).resolve("1"));
        Files.writeString(dir.resolve(ModelPackage.CONFIG), config);
        Files.writeString(dir.resolve(ModelPackage.MODEL), "x");
        Files.writeString(dir.resolve(ModelPackage.TOKENIZER), "{}");
    }
}
