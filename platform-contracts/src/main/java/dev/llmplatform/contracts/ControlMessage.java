package dev.llmplatform.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.Objects;

/** Control records on {@code llm.generation.control}, keyed by request id. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = ControlMessage.Cancel.class, name = "cancel")})
public sealed interface ControlMessage extends Versioned {

    int CURRENT_VERSION = 1;

    String requestId();

    /** Stop generating for this request and free its slot at the next step. */
    /**
     * @param afterTokens for a stop string: the tokens generated when it was found. The engine stops once the
     *                    request has generated that many, not before, so a cancel that reaches a re-run of the
     *                    request (its first replica died) stops it where the stop string is again, not at once.
     *                    Null (a client that left, a deadline): at once.
     */
    record Cancel(int schemaVersion, String requestId, Reason reason, Integer afterTokens) implements ControlMessage {
        public Cancel {
            Versioned.check(schemaVersion, CURRENT_VERSION, "ControlMessage");
            Objects.requireNonNull(requestId, "requestId");
            reason = reason == null ? Reason.CLIENT : reason;
        }

        public Cancel(int schemaVersion, String requestId, Reason reason) {
            this(schemaVersion, requestId, reason, null);
        }

        public static Cancel of(String requestId, Reason reason) {
            return new Cancel(CURRENT_VERSION, requestId, reason, null);
        }

        /** A stop string was found in the request's first {@code generated} tokens. */
        public static Cancel stopSequence(String requestId, int generated) {
            return new Cancel(CURRENT_VERSION, requestId, Reason.STOP_SEQUENCE, generated);
        }
    }

    enum Reason { STOP_SEQUENCE, CLIENT, DEADLINE }
}
