package dev.llmplatform.gateway.serving;

/** The id, creation time (seconds) and model shared by a response or by every chunk of its stream. */
public record ResponseId(String id, long created, String model) {

    /** The request id of choice {@code index}: the response id itself when there is one choice. */
    public String requestId(int index, int choices) {
        return choices == 1 ? id : id + "-" + index;
    }
}
