package dev.llmplatform.tokenizer.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenizerConfigTest {

    @Test
    void shouldReadNamedTemplatesAndAddedTokenObjects() {
        TokenizerConfig config = TokenizerConfig.parse("""
                {"chat_template": [{"name": "tool_use", "template": "tools"}, {"name": "default", "template": "chat"}],
                 "bos_token": {"content": "<s>", "special": true}, "eos_token": "</s>", "model_max_length": 4096}""");

        assertThat(config).isEqualTo(new TokenizerConfig("chat", "<s>", "</s>"));
    }

    @Test
    void shouldLeaveOutWhatTheFileDoesNotDeclare() {
        assertThat(TokenizerConfig.parse("{\"eos_token\": null}")).isEqualTo(TokenizerConfig.NONE);
    }
}
