package dev.llmplatform.gateway.openapi;

/** Example bodies for the OpenAPI document, as a client sends or reads them. */
final class ApiExamples {

    private ApiExamples() {
    }

    static final String COMPLETION_REQUEST = """
            {"model": "tiny-llama", "prompt": "Once upon a time", "max_tokens": 32, "temperature": 0.8,
             "top_p": 0.95, "top_k": 40, "seed": 42, "stop": ["\\n\\n"]}""";

    static final String COMPLETION_STREAM_REQUEST = """
            {"model": "tiny-llama", "prompt": "Once upon a time", "max_tokens": 32, "stream": true,
             "stream_options": {"include_usage": true}}""";

    static final String COMPLETION_RESPONSE = """
            {"id": "cmpl-2f1c0a9e6b0d4c3e8a7f5b4c3d2e1f00", "object": "text_completion", "created": 1794000000,
             "model": "tiny-llama",
             "choices": [{"index": 0, "text": " there was a little fox who", "logprobs": null, "finish_reason": "length"}],
             "usage": {"prompt_tokens": 4, "completion_tokens": 8, "total_tokens": 12}}""";

    static final String COMPLETION_STREAM = """
            data: {"id":"cmpl-2f1c0a9e","object":"text_completion","created":1794000000,"model":"tiny-llama","choices":[{"index":0,"text":" there","logprobs":null,"finish_reason":null}]}

            data: {"id":"cmpl-2f1c0a9e","object":"text_completion","created":1794000000,"model":"tiny-llama","choices":[{"index":0,"text":" was","logprobs":null,"finish_reason":"length"}]}

            data: {"id":"cmpl-2f1c0a9e","object":"text_completion","created":1794000000,"model":"tiny-llama","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}

            data: [DONE]

            """;

    static final String CHAT_REQUEST = """
            {"model": "tiny-llama", "messages": [{"role": "system", "content": "Answer briefly."},
             {"role": "user", "content": "Tell me a story"}], "max_completion_tokens": 32, "temperature": 0.8,
             "n": 2, "seed": 42, "stop": ["\\n\\n"], "logit_bias": {"17": -100}}""";

    static final String CHAT_STREAM_REQUEST = """
            {"model": "tiny-llama", "messages": [{"role": "user", "content": "Tell me a story"}], "stream": true,
             "logprobs": true, "top_logprobs": 2, "stream_options": {"include_usage": true}}""";

    static final String CHAT_RESPONSE = """
            {"id": "chatcmpl-7d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6", "object": "chat.completion", "created": 1794000000,
             "model": "tiny-llama",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "Once there was a fox.", "refusal": null},
                          "logprobs": null, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19}}""";

    static final String CHAT_STREAM = """
            data: {"id":"chatcmpl-7d1e2f3a","object":"chat.completion.chunk","created":1794000000,"model":"tiny-llama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-7d1e2f3a","object":"chat.completion.chunk","created":1794000000,"model":"tiny-llama","choices":[{"index":0,"delta":{"content":"Once"},"logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-7d1e2f3a","object":"chat.completion.chunk","created":1794000000,"model":"tiny-llama","choices":[{"index":0,"delta":{"content":" there"},"logprobs":null,"finish_reason":"length"}]}

            data: [DONE]

            """;

    static final String TOKENIZE_REQUEST = """
            {"model": "tiny-llama", "prompt": "你好 🙂"}""";

    static final String TOKENIZE_RESPONSE = """
            {"count": 3, "max_model_len": 256, "tokens": [412, 98, 377], "token_strs": ["你好", " ", "🙂"]}""";

    static final String DETOKENIZE_REQUEST = """
            {"model": "tiny-llama", "tokens": [412, 98, 377]}""";

    static final String DETOKENIZE_RESPONSE = """
            {"prompt": "你好 🙂"}""";

    static final String MODEL_LIST = """
            {"object": "list", "data": [
              {"id": "tiny-llama", "object": "model", "created": 1794000000, "owned_by": "llm-platform", "version": "3",
               "kind": "decoder", "parameter_count": 412160, "context_length": 256, "eval_loss": 2.31}]}""";

    static final String MODEL_CARD = """
            {"id": "tiny-llama", "object": "model", "created": 1794000000, "owned_by": "llm-platform", "version": "3",
             "kind": "decoder", "parameter_count": 412160, "context_length": 256, "eval_loss": 2.31}""";

    static final String INVALID_REQUEST = """
            {"error": {"message": "temperature must be in [0, 2], got 2.5", "type": "invalid_request_error",
             "param": "temperature", "code": null}}""";

    static final String INVALID_API_KEY = """
            {"error": {"message": "Incorrect API key provided: sk-***********cdef", "type": "invalid_request_error",
             "param": null, "code": "invalid_api_key"}}""";

    static final String MODEL_NOT_FOUND = """
            {"error": {"message": "The model 'gpt-9' does not exist", "type": "invalid_request_error",
             "param": "model", "code": "model_not_found"}}""";

    static final String BODY_TOO_LARGE = """
            {"error": {"message": "The request body is too large (2097152 bytes); the limit is 1048576 bytes",
             "type": "invalid_request_error", "param": null, "code": null}}""";

    static final String RATE_LIMITED = """
            {"error": {"message": "Rate limit reached for requests: limit 60 per minute. Please try again in 2s.",
             "type": "requests", "param": null, "code": "rate_limit_exceeded"}}""";

    static final String OVERLOADED = """
            {"error": {"message": "The server is currently overloaded with other requests. Please try again later.",
             "type": "server_error", "param": null, "code": "overloaded"}}""";

    static final String TIMED_OUT = """
            {"error": {"message": "The generation did not finish within the request deadline of 120 s", "type": "server_error",
             "param": null, "code": "timeout"}}""";
}
