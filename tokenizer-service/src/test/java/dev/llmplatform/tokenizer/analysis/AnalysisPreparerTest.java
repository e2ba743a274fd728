package dev.llmplatform.tokenizer.analysis;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.TestTokenizers;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import dev.llmplatform.tokenizer.text.TokenizerCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokenizing embeddings and attention requests: all-MiniLM-L6-v2's real tokenizer and a small BPE decoder. */
class AnalysisPreparerTest {

    private static final ReplyTo REPLY = new ReplyTo("replies", 3);

    @TempDir
    static Path root;
    private static AnalysisPreparer preparer;

    @BeforeAll
    static void writeModels() {
        ModelStore store = new ModelStore(root);
        ModelPackageWriter.write(store, "minilm", "1", "encoder", 0, null, Map.of(), null, dir -> {
            try (InputStream in = AnalysisPreparerTest.class.getClassLoader()
                    .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
                Files.copy(in, dir.resolve(ModelPackage.TOKENIZER));
            }
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), Map.of("model_type", "bert"));
        });
        ModelPackageWriter.write(store, "reranker", "1", "cross-encoder", 0, null, Map.of(), null, dir -> {
            try (InputStream in = AnalysisPreparerTest.class.getClassLoader()
                    .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
                Files.copy(in, dir.resolve(ModelPackage.TOKENIZER));
            }
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), Map.of("model_type", "bert",
                    "architectures", List.of("BertForSequenceClassification"), "num_labels", 1,
                    "max_position_embeddings", 16));
        });
        ModelConfig config = ModelConfig.llama(2, 2, 2, 16, 32, TestTokenizers.VOCAB_SIZE, 256,
                SpecialTokens.BOS_ID, SpecialTokens.EOS_ID, true);
        ModelPackageWriter.write(store, "tiny", "4", "decoder", 0, null, Map.of(), null, dir -> {
            TestTokenizers.files().write(dir);
            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), config);
        });
        preparer = new AnalysisPreparer(new TokenizerCache(store, 4));
    }

    @Test
    void shouldWrapEachEncoderInputInClsAndSepWithoutPadding() {
        var request = (AnalysisRequest.Embed) accepted(embed("minilm", "Hello world", "a dog"));

        // [CLS]=101 hello world [SEP]=102: the tokenizer.json's fixed padding to 128 is not applied
        assertThat(request.inputs().get(0)).containsExactly(101, 7592, 2088, 102);
        assertThat(request.inputs().get(1)).hasSize(4).startsWith(101).endsWith(102);
        assertThat(request.version()).isEqualTo("1");
        assertThat(request.replyTo()).isEqualTo(REPLY);
        assertThat(request.deadlineEpochMs()).isEqualTo(1234L);
    }

    @Test
    void shouldEncodeEachPairAsOneSequenceWithTheTokenizersPairTemplate() {
        var request = (AnalysisRequest.Score) accepted(new TokenizerRequest.Score(1, "s", "reranker",
                List.of("Hello", "Hello"), List.of("world", "a dog"), 99L, REPLY));

        // [CLS] hello [SEP] world [SEP], the second segment (and its [SEP]) of token type 1
        assertThat(request.inputs().get(0)).containsExactly(101, 7592, 102, 2088, 102);
        assertThat(request.tokenTypeIds().get(0)).containsExactly(0, 0, 0, 1, 1);
        assertThat(request.inputs().get(1)).hasSize(6).startsWith(101, 7592, 102).endsWith(102);
        assertThat(request.tokenTypeIds().get(1)).containsExactly(0, 0, 0, 1, 1, 1);
        assertThat(request.version()).isEqualTo("1");
        assertThat(request.deadlineEpochMs()).isEqualTo(99L);
    }

    @Test
    void shouldTruncateALongPairToTheModelsLengthTakingTokensOffTheLongerText() {
        var request = (AnalysisRequest.Score) accepted(new TokenizerRequest.Score(1, "s", "reranker",
                List.of("Hello world"), List.of("dog ".repeat(40)), 0L, REPLY));

        // max_position_embeddings 16: [CLS] hello world [SEP] + 11 × dog + [SEP]
        assertThat(request.inputs().get(0)).hasSize(16).startsWith(101, 7592, 2088, 102).endsWith(102);
        assertThat(request.tokenTypeIds().get(0).stream().filter(t -> t == 1)).hasSize(12);
    }

    @Test
    void shouldRefusePairsForAModelThatIsNotACrossEncoderAndEmbeddingsFromACrossEncoder() {
        var pairs = new TokenizerRequest.Score(1, "s", "minilm", List.of("q"), List.of("d"), 0L, REPLY);

        assertThat(rejected(pairs).message()).contains("not a cross-encoder");
        assertThat(rejected(pairs).param()).isEqualTo("model");
        assertThat(rejected(embed("reranker", "x")).message()).contains("does not support embeddings");
    }

    @Test
    void shouldRefuseEmbeddingsFromADecoderAnEmptyInputAndAnUnknownModel() {
        assertThat(rejected(embed("tiny", "x")).message()).contains("does not support embeddings");
        assertThat(rejected(embed("minilm", "fine", "")).param()).isEqualTo("input[1]");
        assertThat(rejected(embed("nope", "x")).status()).isEqualTo(404);
        assertThat(rejected(embed("minilm", "word ".repeat(600))).code()).isEqualTo("context_length_exceeded");
    }

    @Test
    void shouldTokenizeAnAttentionPromptAsTheModelSeesIt() {
        var encoder = (AnalysisRequest.Attend) accepted(attend("minilm", "Hello world"));
        var decoder = (AnalysisRequest.Attend) accepted(attend("tiny", "the model"));

        assertThat(encoder.tokens()).containsExactly("[CLS]", "hello", "world", "[SEP]");
        assertThat(encoder.tokenIds()).containsExactly(101, 7592, 2088, 102);
        // a decoder prompt is encoded as for generation: no special tokens added
        assertThat(decoder.tokenIds()).doesNotContain(SpecialTokens.BOS_ID, SpecialTokens.EOS_ID);
        assertThat(String.join("", decoder.tokens())).isEqualTo("the model");
        assertThat(decoder.version()).isEqualTo("4");
    }

    @Test
    void shouldRefuseAnAttentionPromptOverSixtyFourTokens() {
        ErrorInfo error = rejected(attend("minilm", "word ".repeat(63)));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("prompt");
        assertThat(error.message()).isEqualTo("Attention maps are computed for at most 64 tokens, but the prompt has 65 tokens");
        assertThat(accepted(attend("minilm", "word ".repeat(62)))).isNotNull();
    }

    private static TokenizerRequest.Embed embed(String model, String... inputs) {
        return new TokenizerRequest.Embed(1, "req-1", model, List.of(inputs), 1234L, REPLY);
    }

    private static TokenizerRequest.Attend attend(String model, String prompt) {
        return new TokenizerRequest.Attend(1, "req-2", model, prompt, 0, REPLY);
    }

    private static AnalysisRequest accepted(TokenizerRequest.Analysis request) {
        var outcome = preparer.prepare(request);
        assertThat(outcome).isInstanceOf(AnalysisPreparer.Outcome.Accepted.class);
        return ((AnalysisPreparer.Outcome.Accepted) outcome).request();
    }

    private static ErrorInfo rejected(TokenizerRequest.Analysis request) {
        var outcome = preparer.prepare(request);
        assertThat(outcome).isInstanceOf(AnalysisPreparer.Outcome.Rejected.class);
        return ((AnalysisPreparer.Outcome.Rejected) outcome).error();
    }
}
