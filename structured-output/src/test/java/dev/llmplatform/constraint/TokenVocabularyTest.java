package dev.llmplatform.constraint;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TokenVocabularyTest {

    @Test
    void shouldReadTheStarterModelsByteLevelVocabularyWithEveryByteAndNoSpecialTokenBytes() throws Exception {
        int vocabSize = Integer.parseInt(java.nio.file.Files.readString(Path.of("../models/starter/1/config.json"))
                .replaceAll("(?s).*\"vocab_size\"\\s*:\\s*(\\d+).*", "$1"));
        TokenVocabulary vocab = TokenVocabulary.read(Path.of("../models/starter/1/tokenizer.json"), vocabSize);
        assertThat(vocab.size()).isEqualTo(vocabSize);
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

    @Test
    void shouldMapGpt2ByteLevelSymbolsBackToTheirBytes() {
        String json = """
                {"model":{"type":"BPE","vocab":{"\u0120hi":0,"\u010a":1,"\u00c3":2,"\u00a9\\"":3,"\u00c3\u00a9":4}},
                 "decoder":{"type":"ByteLevel"},
                 "added_tokens":[{"id":5,"content":"<|endoftext|>","special":true},{"id":6,"content":"<tool>","special":false}]}""";
        TokenVocabulary vocab = TokenVocabulary.parse(JsonMapper.builder().build().readTree(json), 5);
        assertThat(vocab.size()).as("added tokens past the model's vocabulary").isEqualTo(7);
        assertThat(new String(vocab.bytes(0), StandardCharsets.UTF_8)).isEqualTo(" hi");
        assertThat(vocab.bytes(1)).containsExactly((byte) '\n');
        assertThat(vocab.bytes(2)).as("the first byte of é alone").containsExactly((byte) 0xC3);
        assertThat(vocab.bytes(3)).as("its second byte, then a quote").containsExactly((byte) 0xA9, (byte) '"');
        assertThat(new String(vocab.bytes(4), StandardCharsets.UTF_8)).isEqualTo("é");
        assertThat(vocab.bytes(5)).isNull();
        assertThat(new String(vocab.bytes(6), StandardCharsets.UTF_8)).isEqualTo("<tool>");
        ByteDfa dfa = Constraints.compile(Constraints.jsonSchema("{\"const\":\"é\"}"));
        TokenMasks masks = new TokenMasks(dfa, vocab, new int[]{5});
        int afterQuote = dfa.next(dfa.start(), '"');
        assertThat(TokenMasks.isAllowed(masks.allowed(afterQuote), 2)).as("half of é").isTrue();
        assertThat(TokenMasks.isAllowed(masks.allowed(afterQuote), 4)).as("all of é").isTrue();
        assertThat(TokenMasks.isAllowed(masks.allowed(masks.advance(afterQuote, 2)), 3)).as("the rest of é and the quote").isTrue();
        assertThat(TokenMasks.isAllowed(masks.allowed(afterQuote), 5)).as("EOS before the end").isFalse();
    }
}
