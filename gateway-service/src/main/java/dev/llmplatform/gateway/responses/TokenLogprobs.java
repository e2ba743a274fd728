package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.GenerationEvent.LogprobEntry;
import dev.llmplatform.gateway.responses.ResponsesProtocol.Logprob;
import dev.llmplatform.gateway.responses.ResponsesProtocol.TopLogprob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A token's logprob in the Responses shape ({@code output_text.logprobs[]}), as chat writes {@code logprobs.content[]}. */
final class TokenLogprobs {

    private static final char REPLACEMENT = '\uFFFD';

    private TokenLogprobs() {
    }

    static Logprob of(LogprobEntry entry) {
        List<TopLogprob> top = entry.top() == null ? List.of() : entry.top().stream()
                .map(alt -> new TopLogprob(alt.token(), alt.logprob(), bytesOf(alt.token()))).toList();
        return new Logprob(entry.token(), entry.logprob(), bytesOf(entry.token()), top);
    }

    /**
     * The token's UTF-8 bytes. Only its text reaches the gateway, and a token holding part of a
     * character reads as U+FFFD, whose bytes would be wrong: such a token gets null.
     */
    static List<Integer> bytesOf(String token) {
        if (token.indexOf(REPLACEMENT) >= 0) {
            return null;
        }
        byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
        List<Integer> bytes = new ArrayList<>(utf8.length);
        for (byte b : utf8) {
            bytes.add(b & 0xff);
        }
        return bytes;
    }
}
