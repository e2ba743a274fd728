package dev.llmplatform.gateway.responses;

/** Example bodies for the OpenAPI document, as a client sends or reads them. */
final class ResponsesExamples {

    private ResponsesExamples() {
    }

    static final String REQUEST = """
            {"model": "tiny-llama", "instructions": "Answer briefly.", "input": "Tell me a story",
             "max_output_tokens": 32, "temperature": 0.8, "seed": 42}""";

    static final String FOLLOW_UP_REQUEST = """
            {"model": "tiny-llama", "previous_response_id": "resp_7d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6",
             "input": [{"role": "user", "content": [{"type": "input_text", "text": "And then?"}]}], "stream": true}""";

    static final String RESPONSE = """
            {"id": "resp_7d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6", "object": "response", "created_at": 1794000000,
             "status": "completed", "error": null, "incomplete_details": null, "instructions": "Answer briefly.",
             "max_output_tokens": 32, "model": "tiny-llama",
             "output": [{"id": "msg_7d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6", "type": "message", "status": "completed",
                         "role": "assistant",
                         "content": [{"type": "output_text", "text": "Once there was a fox.", "annotations": [],
                                      "logprobs": []}]}],
             "parallel_tool_calls": true, "previous_response_id": null, "reasoning": {"effort": null, "summary": null},
             "store": true, "temperature": 0.8, "text": {"format": {"type": "text"}}, "tool_choice": "auto",
             "tools": [], "top_p": null, "top_logprobs": null, "truncation": "disabled",
             "usage": {"input_tokens": 12, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 7,
                       "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 19},
             "user": null, "metadata": {}}""";

    static final String STREAM = """
            event: response.created
            data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_7d1e","object":"response","status":"in_progress","output":[],"usage":null}}

            event: response.in_progress
            data: {"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_7d1e","object":"response","status":"in_progress","output":[],"usage":null}}

            event: response.output_item.added
            data: {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"msg_7d1e","type":"message","status":"in_progress","role":"assistant","content":[]}}

            event: response.content_part.added
            data: {"type":"response.content_part.added","sequence_number":3,"item_id":"msg_7d1e","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[],"logprobs":[]}}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_7d1e","output_index":0,"content_index":0,"delta":"Once","logprobs":[]}

            event: response.output_text.done
            data: {"type":"response.output_text.done","sequence_number":5,"item_id":"msg_7d1e","output_index":0,"content_index":0,"text":"Once","logprobs":[]}

            event: response.content_part.done
            data: {"type":"response.content_part.done","sequence_number":6,"item_id":"msg_7d1e","output_index":0,"content_index":0,"part":{"type":"output_text","text":"Once","annotations":[],"logprobs":[]}}

            event: response.output_item.done
            data: {"type":"response.output_item.done","sequence_number":7,"output_index":0,"item":{"id":"msg_7d1e","type":"message","status":"incomplete","role":"assistant","content":[{"type":"output_text","text":"Once","annotations":[],"logprobs":[]}]}}

            event: response.incomplete
            data: {"type":"response.incomplete","sequence_number":8,"response":{"id":"resp_7d1e","object":"response","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":0},"output_tokens":1,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":13}}}

            """;
}
