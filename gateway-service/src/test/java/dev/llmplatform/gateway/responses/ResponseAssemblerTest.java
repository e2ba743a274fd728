package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.gateway.reasoning.ReasoningParsers;
import dev.llmplatform.gateway.reasoning.ReasoningTracker;
import dev.llmplatform.gateway.responses.ResponsesEvents.ArgumentsDelta;
import dev.llmplatform.gateway.responses.ResponsesEvents.ArgumentsDone;
import dev.llmplatform.gateway.responses.ResponsesEvents.ItemEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.ResponseEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.StreamEvent;
import dev.llmplatform.gateway.responses.ResponsesEvents.TextDelta;
import dev.llmplatform.gateway.responses.ResponsesProtocol.FunctionCallItem;
import dev.llmplatform.gateway.responses.ResponsesProtocol.MessageItem;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ReasoningConfig;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ReasoningItem;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponseBody;
import dev.llmplatform.gateway.responses.ResponsesProtocol.TextBody;
import dev.llmplatform.gateway.support.Replies;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response and its stream events, from generation events: finish reasons, and a thinking model's
 * reasoning (split by the qwen3 parser chat uses) before the answer, function calls read by chat's hermes parser.
 */
class ResponseAssemblerTest {

    static final String ID = "resp_abc";

    @Test
    void shouldCompleteOnAStopAndEndTheStreamWithResponseCompleted() {
        ResponseAssembler assembler = new ResponseAssembler(template(), false, ReasoningTracker.of(null, -1), false);
        List<StreamEvent> events = new ArrayList<>(assembler.open());
        events.addAll(assembler.accept(Replies.delta(ID, "Hi", 1)));
        events.addAll(assembler.accept(Replies.completed(ID, "!", FinishReason.STOP, new Usage(4, 2))));

        ResponseBody result = assembler.result();
        assertThat(result.status()).isEqualTo("completed");
        assertThat(result.incompleteDetails()).isNull();
        assertThat(((MessageItem) result.output().getFirst()).status()).isEqualTo("completed");
        assertThat(((MessageItem) result.output().getFirst()).content().getFirst().text()).isEqualTo("Hi!");
        assertThat(result.usage().totalTokens()).isEqualTo(6);
        assertThat(events.getLast()).isEqualTo(new ResponseEvent(ResponsesEvents.COMPLETED, events.size() - 1, result));
    }

    @Test
    void shouldPutReasoningInItsOwnItemBeforeTheMessageAndCountItsTokens() {
        ResponseAssembler assembler = new ResponseAssembler(template(), false,
                ReasoningTracker.of(ReasoningParsers.QWEN3, 4), true);
        List<StreamEvent> events = new ArrayList<>(assembler.open());
        assertThat(events).hasSize(2);   // the message waits: a thinking model may reason first
        events.addAll(assembler.accept(Replies.delta(ID, "<think>Hmm", 1, 2)));
        events.addAll(assembler.accept(Replies.delta(ID, ", ok.", 3)));
        events.addAll(assembler.accept(Replies.delta(ID, "</think>", 4)));
        events.addAll(assembler.accept(Replies.delta(ID, "Yes.", 5)));
        events.addAll(assembler.accept(Replies.completed(ID, "", FinishReason.STOP, new Usage(3, 6))));

        ResponseBody result = assembler.result();
        ReasoningItem reasoning = (ReasoningItem) result.output().get(0);
        MessageItem message = (MessageItem) result.output().get(1);
        assertThat(reasoning.id()).isEqualTo("rs_abc");
        assertThat(reasoning.content().getFirst().text()).isEqualTo("Hmm, ok.");
        assertThat(message.id()).isEqualTo("msg_abc");
        assertThat(message.content().getFirst().text()).isEqualTo("Yes.");
        // Up to and including the closing tag's token (id 4), as chat counts them.
        assertThat(result.usage().outputTokensDetails().reasoningTokens()).isEqualTo(4);
        assertThat(events.stream().map(StreamEvent::type)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.reasoning_text.delta",
                "response.reasoning_text.delta", "response.reasoning_text.done", "response.content_part.done",
                "response.output_item.done", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        assertThat(((ItemEvent) events.get(2)).outputIndex()).isZero();
        assertThat(((ItemEvent) events.get(9)).outputIndex()).isEqualTo(1);
        assertThat(((TextDelta) events.get(11)).outputIndex()).isEqualTo(1);
    }

    @Test
    void shouldStillHaveAnEmptyMessageWhenTheModelSaidNothing() {
        ResponseAssembler assembler = new ResponseAssembler(template(), false, ReasoningTracker.of(null, -1), false);
        assembler.open();
        assembler.accept(new GenerationEvent.Completed(GenerationEvent.CURRENT_VERSION, ID, "", List.of(0), null,
                FinishReason.STOP, new Usage(3, 1), null, null));

        assertThat(assembler.result().output()).hasSize(1);
        assertThat(((MessageItem) assembler.result().output().getFirst()).content().getFirst().text()).isEmpty();
    }

    @Test
    void shouldMakeAFunctionCallItemWhoseStreamedArgumentDeltasMakeUpItsArguments() {
        ResponseAssembler assembler = new ResponseAssembler(template(), false, ReasoningTracker.of(null, -1), false,
                "hermes");
        List<StreamEvent> events = new ArrayList<>(assembler.open());
        assertThat(events).as("no message opened before it is known to be text").hasSize(2);
        for (String piece : List.of("<tool_", "call>{\"name\":\"get_weather\",\"argu", "ments\":{\"ci", "ty\":\"Pa")) {
            events.addAll(assembler.accept(Replies.delta(ID, piece, 1)));
        }
        events.addAll(assembler.accept(Replies.completed(ID, "ris\"}}</tool_call>", FinishReason.STOP, new Usage(4, 5))));

        ResponseBody result = assembler.result();
        assertThat(result.status()).isEqualTo("completed");
        assertThat(result.output()).hasSize(1);
        FunctionCallItem call = (FunctionCallItem) result.output().getFirst();
        assertThat(call.type()).isEqualTo("function_call");
        assertThat(call.id()).isEqualTo("fc_abc");
        assertThat(call.callId()).startsWith("call_");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(call.status()).isEqualTo("completed");
        assertThat(events.stream().map(StreamEvent::type).distinct()).containsExactly("response.created",
                "response.in_progress", "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        ItemEvent added = (ItemEvent) events.get(2);
        assertThat(added.outputIndex()).isZero();
        assertThat(((FunctionCallItem) added.item()).status()).isEqualTo("in_progress");
        assertThat(((FunctionCallItem) added.item()).arguments()).isEmpty();
        assertThat(events.stream().filter(ArgumentsDelta.class::isInstance).map(e -> ((ArgumentsDelta) e).delta())
                .reduce("", String::concat)).isEqualTo(call.arguments());
        assertThat(events.stream().filter(ArgumentsDone.class::isInstance).map(e -> ((ArgumentsDone) e).arguments()))
                .containsExactly(call.arguments());
        for (int i = 0; i < events.size(); i++) {
            assertThat(sequence(events.get(i))).isEqualTo(i);
        }
        assertThat(assembler.calls()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(call.callId());
            assertThat(c.arguments()).isEqualTo(call.arguments());
        });
    }

    @Test
    void shouldKeepTextBeforeACallInTheMessageAndTheCallAfterIt() {
        ResponseAssembler assembler = new ResponseAssembler(template(), false, ReasoningTracker.of(null, -1), false,
                "hermes");
        assembler.open();
        assembler.accept(Replies.delta(ID, "Checking. <tool_call>{\"name\":\"f\",\"arguments\":{}}</tool_call>", 1));
        assembler.accept(Replies.completed(ID, "", FinishReason.STOP, new Usage(4, 5)));

        List<?> output = assembler.result().output();
        assertThat(((MessageItem) output.get(0)).content().getFirst().text()).isEqualTo("Checking. ");
        assertThat(((FunctionCallItem) output.get(1)).arguments()).isEqualTo("{}");
    }

    private static int sequence(StreamEvent event) {
        return switch (event) {
            case ResponseEvent e -> e.sequenceNumber();
            case ItemEvent e -> e.sequenceNumber();
            case ArgumentsDelta e -> e.sequenceNumber();
            case ArgumentsDone e -> e.sequenceNumber();
            default -> throw new AssertionError(event);
        };
    }

    static ResponseBody template() {
        return new ResponseBody(ID, "response", 1, "in_progress", null, null, null, null, "m", List.of(), true, null,
                new ReasoningConfig(null, null), true, null, TextBody.PLAIN, "auto", List.of(), null, null, "disabled",
                null, null, Map.of());
    }
}
