package dev.llmplatform.gateway.reasoning;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AddedTokensTest {

    @TempDir
    Path dir;

    @Test
    void shouldFindAnAddedTokensIdPastTheRestOfTheFile() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, """
                {"version":"1.0","truncation":null,"normalizer":{"type":"NFC","nested":[{"a":[1,2]}]},
                 "added_tokens":[{"id":151643,"content":"<|endoftext|>","special":true},
                                 {"id":151667,"content":"<think>","special":false},
                                 {"id":151668,"content":"</think>","special":false}],
                 "model":{"type":"BPE","vocab":{"</think>":5}}}""");

        assertThat(AddedTokens.idOf(file, "</think>")).isEqualTo(151668);
        assertThat(AddedTokens.idOf(file, "<tool_call>")).isEqualTo(-1);
        assertThat(AddedTokens.idOf(dir.resolve("missing.json"), "</think>")).isEqualTo(-1);
    }
}
