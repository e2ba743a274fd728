package dev.llmplatform.tokenizer.text;

import dev.llmplatform.tokenizer.TestTokenizers;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class HfTokenizerTest {

    private final HfTokenizer tokenizer = TestTokenizers.tokenizer();

    @Test
    void shouldNeverTruncateOrPadWhateverTheMaxLength(@TempDir Path dir) throws Exception {
        try (HfTokenizer short16 = HfTokenizer.load(TestTokenizers.files().write(dir), 16)) {
            String text = "the model learns to predict the next token ".repeat(10);
            int[] ids = short16.encode(text);
            assertThat(ids.length).isGreaterThan(16);
            assertThat(short16.decode(ids)).isEqualTo(text);
            assertThat(short16.encode("the")).hasSize(1);
        }
    }

    @Test
    void shouldFindSpecialTokenIdsAndNothingForOrdinaryText() {
        assertThat(tokenizer.specialTokenId(SpecialTokens.IM_END)).hasValue(SpecialTokens.IM_END_ID);
        assertThat(tokenizer.specialTokenId(SpecialTokens.END_OF_TEXT)).hasValue(SpecialTokens.EOS_ID);
        assertThat(tokenizer.specialTokenId(" the")).isEmpty();
        assertThat(tokenizer.specialTokenId("<|nope|>")).isEmpty();
    }

    @Test
    void shouldShowEachTokensOwnText() {
        int[] ids = tokenizer.encode(" the model");
        assertThat(tokenizer.tokenText(ids[0])).isEqualTo(" the");
        assertThat(tokenizer.tokenText(SpecialTokens.IM_START_ID)).isEqualTo(SpecialTokens.IM_START);
    }

    @Test
    void shouldGiveTheSameAnswersFromConcurrentThreads() throws Exception {
        List<String> texts = TestTokenizers.corpus(200, 99);
        List<int[]> expected = texts.stream().map(tokenizer::encode).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = IntStream.range(0, 4).mapToObj(t -> pool.submit(() -> {
                for (int i = 0; i < texts.size(); i++) {
                    int[] ids = tokenizer.encode(texts.get(i));
                    if (!java.util.Arrays.equals(ids, expected.get(i)) || !tokenizer.decode(ids).equals(texts.get(i))) {
                        return false;
                    }
                }
                return true;
            })).toList();
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
