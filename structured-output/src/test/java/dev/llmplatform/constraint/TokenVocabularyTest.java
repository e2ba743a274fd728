package dev.llmplatform.constraint;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TokenVocabularyTest {

    @Test
    void shouldReadTheStarterModelsByteLevelVocabularyWithEveryByteAndNoSpecialTokenBytes() throws Exception {
        TokenVocabulary vocab = TokenVocabulary.read(Path.of("../models/starter/1/tokenizer.json"), 563);
        assertThat(vocab.size()).isEqualTo(563);
        assertThat(vocab.bytes(0)).as("<|endoftext|> is special").isNull();
        boolean[] single = new boolean[256];
        for (int id = 0; id < vocab.size(); id++) {
            byte[] b = vocab.bytes(id);
            if (b != null && b.length == 1) {
                single[b[0] & 0xFF] = true;
            }
        }
        for (int b = 0; b < 256; b++) {
            assertThat(single[b]).as("byte %d has a token", b).isTrue();
        }
        TokenMasks masks = new TokenMasks(Constraints.compile(Constraints.jsonObject()), vocab, new int[]{0});
        long[] first = masks.allowed(0);
        for (int id = 0; id < vocab.size(); id++) {
            byte[] b = vocab.bytes(id);
            boolean expected = b != null && b.length > 0 && b[0] == '{'
                    && masks.dfa().walk(0, b) != ByteDfa.DEAD;
            assertThat(TokenMasks.isAllowed(first, id)).as("token %d", id).isEqualTo(expected);
        }
    }

    @Test
    void shouldReadMetaspaceAndByteFallbackPieces() {
        String json = """
                {"model":{"type":"BPE","byte_fallback":true,"vocab":{"<unk>":0,"<0xE5>":1,"\u2581hi":2,"a":3}},
                 "decoder":{"type":"Sequence","decoders":[{"type":"Replace"},{"type":"ByteFallback"}]},
                 "added_tokens":[{"id":0,"content":"<unk>","special":true}]}""";
        TokenVocabulary vocab = TokenVocabulary.parse(JsonMapper.builder().build().readTree(json), 4);
        assertThat(vocab.bytes(0)).isNull();
        assertThat(vocab.bytes(1)).containsExactly((byte) 0xE5);
        assertThat(new String(vocab.bytes(2), StandardCharsets.UTF_8)).isEqualTo(" hi");
    }
}
