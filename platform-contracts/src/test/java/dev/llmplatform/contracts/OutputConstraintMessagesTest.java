package dev.llmplatform.contracts;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutputConstraintMessagesTest {

    @Test
    void shouldCarryAConstraintThroughTheWireFormat() {
        SamplingParams params = SamplingParams.greedy().withConstraint(OutputConstraint.jsonSchema("{\"type\":\"integer\"}"));
        SamplingParams read = Messages.fromJson(Messages.toJson(params), SamplingParams.class);
        assertThat(read.constraint()).isEqualTo(params.constraint());
        SamplingParams choice = SamplingParams.greedy().withConstraint(OutputConstraint.choice(List.of("yes", "no")));
        assertThat(Messages.fromJson(Messages.toJson(choice), SamplingParams.class)).isEqualTo(choice);
        SamplingParams guard = SamplingParams.greedy().withConstraint(OutputConstraint.toolCallsOrText(
                "{\"open\":\"<tool_call>\",\"alternatives\":[]}"));
        assertThat(Messages.fromJson(Messages.toJson(guard), SamplingParams.class)).isEqualTo(guard);
    }

    @Test
    void shouldReadSamplingFromAnOlderSenderWithoutAConstraint() {
        String older = Messages.toJson(new SamplingParams(0.5, 1, 0, 0, 1, 0, 0, 3L, Map.of(), null))
                .replace(",\"constraint\":null", "");
        assertThat(older).doesNotContain("constraint");
        SamplingParams read = Messages.fromJson(older, SamplingParams.class);
        assertThat(read.constraint()).isNull();
        assertThat(read.seed()).isEqualTo(3L);
        assertThat(read.withSeed(4L).constraint()).isNull();
    }
}
