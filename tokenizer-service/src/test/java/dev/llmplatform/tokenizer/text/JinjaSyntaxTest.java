package dev.llmplatform.tokenizer.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JinjaSyntaxTest {

    @Test
    void shouldRewriteReversedSlicesAndParenthesizeNamespaceArguments() {
        assertThat(JinjaSyntax.toJinjava("{% for m in messages[::-1] %}"))
                .isEqualTo("{% for m in (messages|reverse|list) %}");
        assertThat(JinjaSyntax.toJinjava("{% set ns = namespace(a=true, b=messages|length - 1, c=f(1, 'x,)')) %}"))
                .isEqualTo("{% set ns = namespace(a=(true),b=(messages|length - 1),c=(f(1, 'x,)'))) %}");
    }

    @Test
    void shouldLeaveEverythingElseAlone() {
        String source = "{{ messages[1:] }}{{ x == y }}{% if a %}namespace{% endif %}{{ namespace() }}";

        assertThat(JinjaSyntax.toJinjava(source)).isEqualTo(source);
    }
}
