package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.kafka.TraceHeaders;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.SendResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The token path's sends: all of a poll's are sent before any is waited for, the poll counts as
 * handled only once Kafka answered them, a refused one fails the stream instead of vanishing, and
 * every record carries the trace context of the token event it answers.
 */
class TokenPathListenerTest {

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, byte[]> template = mock(KafkaTemplate.class);
    private final TokenStreamDecoder decoder = mock(TokenStreamDecoder.class);
    private final TokenPathListener listener = new TokenPathListener(decoder,
            new TokenPathPublisher(template, Duration.ofSeconds(10)));

    @Test
    @SuppressWarnings("unchecked")
    void shouldHandAPollBackOnlyOnceKafkaAnsweredAndFailTheStreamWhenKafkaRefusesIt() throws InterruptedException {
        when(decoder.decode(any())).thenReturn(TokenStreamDecoder.Output.of(
                new GenerationEvent.Delta(GenerationEvent.CURRENT_VERSION, "r1", "a", List.of(5), null, null, 0)));
        CompletableFuture<SendResult<String, byte[]>> pending = new CompletableFuture<>();
        when(template.send(any(ProducerRecord.class))).thenReturn(pending, CompletableFuture.completedFuture(null));

        Thread poll = Thread.ofPlatform().start(() -> listener.onTokens(List.of(record(Messages.toJson(event())))));

        verify(template, timeout(5_000).times(1)).send(any(ProducerRecord.class));
        poll.join(300);
        assertThat(poll.isAlive()).as("the poll waits for the broker's answer before its offsets may be committed").isTrue();
        pending.completeExceptionally(new IllegalStateException("broker gone"));
        poll.join(5_000);
        assertThat(poll.isAlive()).as("a refusal is an answer too").isFalse();

        ArgumentCaptor<ProducerRecord<String, byte[]>> all = ArgumentCaptor.forClass(ProducerRecord.class);
        verify(template, timeout(5_000).times(3)).send(all.capture());   // the Delta, then a Failed for the caller and a cancel
        assertThat(Messages.fromJson(text(all.getAllValues().get(0).value()), GenerationEvent.class)).isInstanceOf(GenerationEvent.Delta.class);
        ProducerRecord<String, byte[]> failed = all.getAllValues().get(1);
        assertThat(failed.topic()).isEqualTo("replies");
        assertThat(failed.partition()).isEqualTo(3);
        assertThat(Messages.fromJson(text(failed.value()), GenerationEvent.class)).isInstanceOfSatisfying(GenerationEvent.Failed.class,
                f -> assertThat(f.error().message()).contains("broker gone"));
        ProducerRecord<String, byte[]> cancel = all.getAllValues().get(2);
        assertThat(cancel.topic()).isEqualTo(Topics.GENERATION_CONTROL.name());
        assertThat(Messages.fromJson(text(cancel.value()), ControlMessage.class)).isInstanceOf(ControlMessage.Cancel.class);
        assertThat(all.getAllValues()).allSatisfy(sent ->
                assertThat(TraceHeaders.of(sent.headers()).traceparent()).isEqualTo(TRACEPARENT));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldSendWhatPrecedesAnUnreadableRecordThenHandItToTheErrorHandlerByIndex() {
        when(decoder.decode(any())).thenReturn(TokenStreamDecoder.Output.of(
                new GenerationEvent.Delta(GenerationEvent.CURRENT_VERSION, "r1", "a", List.of(5), null, null, 0)));
        when(template.send(any(ProducerRecord.class))).thenReturn(CompletableFuture.completedFuture(null));

        assertThatThrownBy(() -> listener.onTokens(List.of(record(Messages.toJson(event())), record("{not json"))))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> assertThat(e.getIndex()).isEqualTo(1));
        verify(template, times(1)).send(any(ProducerRecord.class));
    }

    private static TokenEvent event() {
        return new TokenEvent(1, "r1", 0, List.of(5), List.of(), null, null, null, null, null,
                new DecodeContext("tiny", "1", new ReplyTo("replies", 3), List.of(), true, 0, 3), null);
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<String, byte[]> record(String value) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.INFERENCE_TOKENS.name(), 0, 0, "r1",
                value.getBytes(StandardCharsets.UTF_8));
        record.headers().add(TraceHeaders.TRACEPARENT, TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
