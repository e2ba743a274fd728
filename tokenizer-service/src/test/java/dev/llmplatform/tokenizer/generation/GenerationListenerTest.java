package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.tokenizer.TokenizerProperties;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The token path's sends: not waited for, and a refused one fails the stream instead of vanishing. */
class GenerationListenerTest {

    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, String> template = mock(KafkaTemplate.class);
    private final TokenStreamDecoder decoder = mock(TokenStreamDecoder.class);
    private final GenerationListener listener = new GenerationListener(mock(PromptPreparer.class), decoder,
            new GenerationPublisher(template, new TokenizerProperties(Path.of("."), 16, 4096, Duration.ofSeconds(10))));

    @Test
    @SuppressWarnings("unchecked")
    void shouldNotWaitForTheAckOfATokenEventsOutputAndFailTheStreamWhenKafkaRefusesIt() {
        TokenEvent event = new TokenEvent(1, "r1", 0, List.of(5), List.of(), null, null, null, null, null,
                new DecodeContext("tiny", "1", new ReplyTo("replies", 3), List.of(), true, 0, 3), null);
        when(decoder.decode(any())).thenReturn(TokenStreamDecoder.Output.of(
                new GenerationEvent.Delta(GenerationEvent.CURRENT_VERSION, "r1", "a", List.of(5), null, null)));
        CompletableFuture<SendResult<String, String>> pending = new CompletableFuture<>();
        when(template.send(any(ProducerRecord.class))).thenReturn(pending, CompletableFuture.completedFuture(null));

        listener.onTokens(Messages.toJson(event));   // returns although the broker has not answered yet

        ArgumentCaptor<ProducerRecord<String, String>> sent = ArgumentCaptor.forClass(ProducerRecord.class);
        verify(template, times(1)).send(sent.capture());
        pending.completeExceptionally(new IllegalStateException("broker gone"));

        assertThat(Messages.fromJson(sent.getValue().value(), GenerationEvent.class)).isInstanceOf(GenerationEvent.Delta.class);
        ArgumentCaptor<ProducerRecord<String, String>> all = ArgumentCaptor.forClass(ProducerRecord.class);
        verify(template, timeout(5_000).times(3)).send(all.capture());   // the Delta, then a Failed for the caller and a cancel
        ProducerRecord<String, String> failed = all.getAllValues().get(1);
        assertThat(failed.topic()).isEqualTo("replies");
        assertThat(failed.partition()).isEqualTo(3);
        assertThat(Messages.fromJson(failed.value(), GenerationEvent.class)).isInstanceOfSatisfying(GenerationEvent.Failed.class,
                f -> assertThat(f.error().message()).contains("broker gone"));
        ProducerRecord<String, String> cancel = all.getAllValues().get(2);
        assertThat(cancel.topic()).isEqualTo(Topics.GENERATION_CONTROL.name());
        assertThat(Messages.fromJson(cancel.value(), ControlMessage.class)).isInstanceOf(ControlMessage.Cancel.class);
    }
}
