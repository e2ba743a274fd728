package dev.llmplatform.inference.generation;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.kafka.TraceHeaders;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The prompt's logprobs leave on a request's first token event, and only there. */
class PromptLogprobsEventTest {

    private static final List<TokenLogprob> PROMPT = List.of(new TokenLogprob(5, 0, List.of()),
            new TokenLogprob(6, -1.5, List.of(new TokenLogprob.Alternative(7, -0.2))));

    @Test
    void shouldPutThePromptLogprobsOnTheFirstStreamedEventOnly() {
        List<TokenEvent> sent = publish(true, 2);
        assertThat(sent).hasSizeGreaterThanOrEqualTo(1);
        assertThat(sent.getFirst().promptLogprobs()).isEqualTo(PROMPT);
        assertThat(sent.subList(1, sent.size())).allSatisfy(e -> assertThat(e.promptLogprobs()).isNull());
    }

    @Test
    void shouldPutThePromptLogprobsOnTheOneEventOfAWholeRequestEvenWithoutTokens() {
        List<TokenEvent> sent = publish(false, 0);
        assertThat(sent).singleElement().satisfies(e -> {
            assertThat(e.tokenIds()).isEmpty();
            assertThat(e.promptLogprobs()).isEqualTo(PROMPT);
        });
    }

    private static List<TokenEvent> publish(boolean stream, int tokens) {
        DecodeContext decode = new DecodeContext("tiny", "1", new ReplyTo("replies", 0), List.of(), stream, 2, 2);
        List<TokenEvent> sent = new CopyOnWriteArrayList<>();
        try (TokenEventPublisher publisher = new TokenEventPublisher((event, trace) -> sent.add(event))) {
            publisher.open("r", decode, TraceHeaders.NONE);
            publisher.onPromptLogprobs("r", PROMPT);
            for (int i = 0; i < tokens; i++) {
                publisher.onTokens("r", i, new int[]{20 + i}, null);
            }
            publisher.onFinished("r", FinishReason.STOP, new Usage(2, tokens), new Timings(1, 2, 3), null);
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.openStreams() == 0);
        }
        return sent;
    }
}
