package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.GenerationEvent.LogprobEntry;
import dev.llmplatform.gateway.responses.ResponsesProtocol.Logprob;
import dev.llmplatform.gateway.responses.ResponsesProtocol.TopLogprob;
import dev.llmplatform.gateway.serving.TokenBytes;

import java.util.List;

/** A token's logprob in the Responses shape ({@code output_text.logprobs[]}), as chat writes {@code logprobs.content[]}. */
final class TokenLogprobs {


    private TokenLogprobs() {
    }

    static Logprob of(LogprobEntry entry) {
        List<TopLogprob> top = entry.top() == null ? List.of() : entry.top().stream()
                .map(alt -> new TopLogprob(alt.token(), alt.logprob(), TokenBytes.of(alt.token()))).toList();
        return new Logprob(entry.token(), entry.logprob(), TokenBytes.of(entry.token()), top);
    }
}
