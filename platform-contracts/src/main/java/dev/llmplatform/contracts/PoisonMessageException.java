package dev.llmplatform.contracts;

/** A record that can never be processed: it goes straight to the dead-letter topic, no retries. */
public class PoisonMessageException extends RuntimeException {
    public PoisonMessageException(String message) {
        super(message);
    }

    public PoisonMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
