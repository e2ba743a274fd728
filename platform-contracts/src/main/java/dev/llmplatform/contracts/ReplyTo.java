package dev.llmplatform.contracts;

import java.util.Objects;

/** Where the results of a request go: the reply topic and the partition its owner reads. */
public record ReplyTo(String topic, int partition) {
    public ReplyTo {
        Objects.requireNonNull(topic, "replyTo.topic");
        if (partition < 0) {
            throw new IllegalArgumentException("replyTo.partition must be >= 0");
        }
    }
}
