package dev.llmplatform.tokenizer.bpe;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.tokenizer.TestTokenizers;
import dev.llmplatform.tokenizer.text.HfTokenizer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteLevelBpeTrainerTest {

    private final HfTokenizer tokenizer = TestTokenizers.tokenizer();

    @Test
    void shouldRoundTripArbitraryUtf8ThroughHuggingFaceTokenizers() {
        List<String> texts = new ArrayList<>(List.of(
                "the model learns", "模型学习预测下一个词元。", "emoji 👍🏽 family 👨‍👩‍👧 flag 🇫🇷",
                "combining e\u0301 a\u0308 \u0915\u094d\u0937", "tabs\tand\r\nnew lines\n\n  two  spaces   ",
                "it's we'll THEY'RE 1234567 3.14 $%^&*() \u00a0nbsp\u3000ideographic", "\u0000\u0001\u007f\u00ad"));
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            texts.add(randomText(random, 1 + random.nextInt(30)));
        }
        for (String text : texts) {
            int[] ids = tokenizer.encode(text);
            assertThat(tokenizer.decode(ids)).as("round trip of %s", text).isEqualTo(text);
        }
    }

    @Test
    void shouldMakeCommonWordsSingleTokens() {
        assertThat(tokenizer.encode(" the")).hasSize(1);
        assertThat(tokenizer.encode(" model")).hasSize(1);
        assertThat(tokenizer.encode(" attention")).hasSize(1);
        assertThat(tokenizer.encode("模型")).hasSize(1);
        // A word never seen stays in pieces, down to single bytes.
        assertThat(tokenizer.encode(" zyxwv").length).isGreaterThan(1);
    }

    @Test
    void shouldPutSpecialTokensAtTheFirstIdsAndEncodeEachAsOneToken() {
        for (int id = 0; id < SpecialTokens.ALL.size(); id++) {
            String special = SpecialTokens.ALL.get(id);
            assertThat(tokenizer.encode(special)).containsExactly(id);
            assertThat(tokenizer.decode(new int[] {id})).isEqualTo(special);
            assertThat(tokenizer.decode(new int[] {id}, true)).isEmpty();
        }
        assertThat(tokenizer.encode(SpecialTokens.IM_START + "user")).startsWith(SpecialTokens.IM_START_ID);
        assertThat(tokenizer.encode("")).isEmpty();
    }

    @Test
    void shouldPreTokenizeExactlyLikeTheByteLevelPreTokenizer() {
        // Trained until every piece seen twice is one token, the tokenizer's tokens are its pre-tokenizer's pieces.
        String text = "It's 2026: we'll train   models, don't we?\n\n\tYes!!  模型 学习，🙂ok\u00a0x\u3000y 42abc ";
        HfTokenizer whole = TestTokenizers.load(ByteLevelBpeTrainer.train(List.of(text, text), 5000));
        List<String> pieces = ByteLevelPreTokenizer.split(text);
        int[] ids = whole.encode(text);
        List<String> tokens = new ArrayList<>();
        for (int id : ids) {
            tokens.add(whole.tokenText(id));
        }
        assertThat(tokens).isEqualTo(pieces);
        assertThat(String.join("", pieces)).isEqualTo(text);
    }

    @Test
    void shouldWriteGpt2StyleTokenizerJsonAndChatMlConfig() {
        TokenizerFiles files = TestTokenizers.files();
        JsonNode json = Messages.mapper().readTree(files.tokenizerJson());
        assertThat(json.path("pre_tokenizer").path("type").asString()).isEqualTo("ByteLevel");
        assertThat(json.path("pre_tokenizer").path("add_prefix_space").asBoolean()).isFalse();
        assertThat(json.path("pre_tokenizer").path("use_regex").asBoolean()).isTrue();
        assertThat(json.path("decoder").path("type").asString()).isEqualTo("ByteLevel");
        assertThat(json.path("post_processor").path("trim_offsets").asBoolean()).isFalse();
        JsonNode vocab = json.path("model").path("vocab");
        assertThat(vocab.size()).isEqualTo(files.vocabSize()).isEqualTo(TestTokenizers.VOCAB_SIZE);
        assertThat(vocab.path("Ġ").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(vocab.path(SpecialTokens.IM_END).asInt()).isEqualTo(SpecialTokens.IM_END_ID);
        assertThat(json.path("model").path("merges").size()).isEqualTo(files.mergeCount());
        assertThat(json.path("added_tokens").size()).isEqualTo(4);

        JsonNode config = Messages.mapper().readTree(files.tokenizerConfigJson());
        assertThat(config.path("eos_token").asString()).isEqualTo(SpecialTokens.END_OF_TEXT);
        assertThat(config.path("pad_token").asString()).isEqualTo(SpecialTokens.PAD);
        assertThat(config.path("model_max_length").asInt()).isEqualTo(2048);
        assertThat(config.path("chat_template").asString()).contains("<|im_start|>", "<|im_end|>", "add_generation_prompt");
    }

    @Test
    void shouldTrainTheSameFilesFromTheSameCorpus() {
        List<String> corpus = TestTokenizers.corpus(500, 3);
        TokenizerFiles first = ByteLevelBpeTrainer.train(corpus, 400);
        TokenizerFiles second = ByteLevelBpeTrainer.train(corpus.reversed(), 400);
        assertThat(second.tokenizerJson()).isEqualTo(first.tokenizerJson());
    }

    @Test
    void shouldStopMergingWhenNoPairIsFrequentEnough() {
        TokenizerFiles files = ByteLevelBpeTrainer.train(List.of("abc abd"), 1000);
        // Only " a"/"ab" style pairs seen at least twice can merge: "a b" (twice) then nothing else reaches 2.
        assertThat(files.vocabSize()).isLessThan(1000);
        assertThat(files.mergeCount()).isEqualTo(files.vocabSize() - ByteLevelBpeTrainer.MIN_VOCAB_SIZE);
        assertThatThrownBy(() -> ByteLevelBpeTrainer.train(List.of("x"), 100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static String randomText(Random random, int codePoints) {
        StringBuilder sb = new StringBuilder();
        while (sb.codePointCount(0, sb.length()) < codePoints) {
            int cp = switch (random.nextInt(5)) {
                case 0 -> 0x20 + random.nextInt(0x5F);            // ASCII
                case 1 -> 0x4E00 + random.nextInt(0x5000);        // CJK
                case 2 -> 0x1F300 + random.nextInt(0x300);        // emoji
                case 3 -> 0x300 + random.nextInt(0x70);           // combining marks
                default -> random.nextInt(0x110000);              // anything
            };
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;                                         // surrogates are not characters
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
