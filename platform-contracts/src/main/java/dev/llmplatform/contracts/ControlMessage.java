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
    record Cancel(int schemaVersion, String requestId, Reason reason) implements ControlMessage {
        public Cancel {
            Versioned.check(schemaVersion, CURRENT_VERSION, "ControlMessage");
            Objects.requireNonNull(requestId, "requestId");
            reason = reason == null ? Reason.CLIENT : reason;
        }

        public static Cancel of(String requestId, Reason reason) {
            return new Cancel(CURRENT_VERSION, requestId, reason);
        }
    }

    enum Reason { STOP_SEQUENCE, CLIENT, DEADLINE }
}
