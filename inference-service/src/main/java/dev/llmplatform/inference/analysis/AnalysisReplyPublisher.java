package dev.llmplatform.inference.analysis;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.kafka.TopicRecords;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends analysis answers straight to the reply partition the request named, and waits for the
 * broker's acknowledgement so a failed send is retried by the listener's error handler. An answer
 * too large for Kafka becomes a {@code Failed} that says so, rather than a caller left waiting.
 */
public final class AnalysisReplyPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisReplyPublisher.class);

    private final KafkaTemplate<String, String> template;
    private final Duration timeout;

    /** @param template a producer whose {@code max.request.size} fits the largest answer */
    public AnalysisReplyPublisher(KafkaTemplate<String, String> template, Duration timeout) {
        this.template = template;
        this.timeout = timeout;
    }

    public void send(ReplyTo replyTo, GenerationEvent event) {
        try {
            sendAndWait(replyTo, event);
        } catch (ExecutionException e) {
            if (!causedBy(e, RecordTooLargeException.class)) {
                throw new IllegalStateException("publishing the answer to " + event.requestId() + " failed: " + e.getMessage(), e);
            }
            LOG.warn("answer to {} is too large for Kafka: {}", event.requestId(), e.getMessage());
            try {
                sendAndWait(replyTo, new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, event.requestId(),
                        new ErrorInfo(413, "invalid_request_error", "The answer is too large to send back; use a"
                                + " shorter input", null, "answer_too_large")));
            } catch (ExecutionException again) {
                throw new IllegalStateException("publishing the failure of " + event.requestId() + " failed", again);
            }
        }
    }

    private void sendAndWait(ReplyTo replyTo, GenerationEvent event) throws ExecutionException {
        var record = TopicRecords.reply(replyTo, event);
        try {
            template.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the answer to " + event.requestId()
                    + " within " + timeout, e);
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
