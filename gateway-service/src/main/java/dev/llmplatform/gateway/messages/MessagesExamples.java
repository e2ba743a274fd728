package dev.llmplatform.gateway.messages;

/** Example bodies of the Messages routes for the OpenAPI document. */
final class MessagesExamples {

    static final String REQUEST = """
            {"model": "starter", "max_tokens": 32, "system": "Answer briefly.",
             "messages": [{"role": "user", "content": "Tell me about the animal and the street."}],
             "temperature": 0.7, "top_k": 40, "stop_sequences": ["\\n\\n"], "metadata": {"user_id": "user-1234"}}""";

    static final String STREAM_REQUEST = """
            {"model": "starter", "max_tokens": 32, "stream": true,
             "messages": [{"role": "user", "content": [{"type": "text", "text": "Tell me a story."}]}]}""";

    static final String RESPONSE = """
            {"id": "msg_0f6a2c1e9b5d4f3a8c7e6d5b4a392817", "type": "message", "role": "assistant", "model": "starter",
             "content": [{"type": "text", "text": "The animal was too tired to cross.", "citations": null}],
             "stop_reason": "end_turn", "stop_sequence": null, "usage": {"input_tokens": 21, "output_tokens": 9}}""";

    static final String STREAM = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_0f6a2c1e9b5d4f3a8c7e6d5b4a392817","type":"message","role":"assistant","model":"starter","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":14,"output_tokens":0}}}

            event: ping
            data: {"type":"ping"}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":"","citations":null}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Once"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":14,"output_tokens":32}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    static final String COUNT_REQUEST = """
            {"model": "starter", "system": "Answer briefly.", "messages": [{"role": "user", "content": "Hello"}]}""";

    static final String COUNT_RESPONSE = """
            {"input_tokens": 12}""";

    static final String ERROR = """
            {"type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: Field required"}}""";

    private MessagesExamples() {
    }
}
