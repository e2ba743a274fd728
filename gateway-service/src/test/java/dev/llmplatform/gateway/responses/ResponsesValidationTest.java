package dev.llmplatform.gateway.responses;

import dev.llmplatform.gateway.support.ScriptedGenerationClient;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import static dev.llmplatform.gateway.support.SliceTestBackend.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/responses} refuses, with OpenAI's 400 naming the parameter and before anything is
 * published, what is malformed and what the platform does not do yet.
 */
@WebFluxTest(controllers = ResponsesController.class, properties = "spring.config.name=gateway")
@Import({SliceTestBackend.class, ResponsesService.class})
class ResponsesValidationTest {

    @Autowired
    WebTestClient http;

    @Autowired
    ScriptedGenerationClient backend;

    @BeforeEach
    void forgetRequests() {
        backend.clear();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no input                 | {}                                                                  | input                        | input
            empty input list         | {"input":[]}                                                        | input                        | non-empty
            unknown parameter        | {"input":"Hi","frobnicate":1}                                       | frobnicate                   | Unrecognized request argument supplied: frobnicate
            stream_options           | {"input":"Hi","stream":true,"stream_options":{}}                    | stream_options               | stream_options
            an unanswered call_id    | {"input":[{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c2","output":"ok"}]} | input[1].call_id | answers no function_call
            a call without a name    | {"input":[{"type":"function_call","call_id":"c1","arguments":"{}"}]} | input[0].name             | input[0].name
            a reasoning item         | {"input":[{"type":"reasoning","summary":[]}]}                       | input[0].type                | not supported yet
            an unknown item field    | {"input":[{"role":"user","content":"Hi","name":"bob"}]}             | input[0].name                | input[0].name
            a tool role              | {"input":[{"role":"tool","content":"42"}]}                          | input[0].role                | 'tool'
            an image part            | {"input":[{"role":"user","content":[{"type":"input_image","image_url":"http://x/y.png"}]}]} | input[0].content[0].type | not supported yet
            a file part              | {"input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]} | input[0].content[0].type | no images, files or audio
            output_text from a user  | {"input":[{"role":"user","content":[{"type":"output_text","text":"x"}]}]} | input[0].content[0].type | only input_text
            a chat-shaped tool       | {"input":"Hi","tools":[{"type":"function","function":{"name":"f"}}]} | tools[0].function           | tools[0].function
            a bad function name      | {"input":"Hi","tools":[{"type":"function","name":"a b"}]}           | tools[0].name                | tools[0].name
            parameters not an object | {"input":"Hi","tools":[{"type":"function","name":"f","parameters":[1]}]} | tools[0].parameters     | tools[0].parameters
            the web_search tool      | {"input":"Hi","tools":[{"type":"web_search"}]}                      | tools[0].type                | web_search
            the file_search tool     | {"input":"Hi","tools":[{"type":"function","name":"f"},{"type":"file_search","vector_store_ids":["v"]}]} | tools[1].type | file_search
            a choice naming no tool  | {"input":"Hi","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"function","name":"g"}} | tool_choice.name | not among the tools
            a hosted tool choice     | {"input":"Hi","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"web_search"}} | tool_choice.type | hosted
            an unknown tool choice   | {"input":"Hi","tools":[{"type":"function","name":"f"}],"tool_choice":"sometimes"} | tool_choice | {"type": "function", "name": …}
            a call and a json format | {"input":"Hi","tools":[{"type":"function","name":"f"}],"tool_choice":"required","text":{"format":{"type":"json_object"}}} | tool_choice | text.format
            a forced tool choice     | {"input":"Hi","tool_choice":"required"}                             | tool_choice                  | tool_choice
            background mode          | {"input":"Hi","background":true}                                    | background                   | not supported yet
            reasoning effort         | {"input":"Hi","reasoning":{"effort":"high"}}                        | reasoning                    | not supported yet
            automatic truncation     | {"input":"Hi","truncation":"auto"}                                  | truncation                   | not supported yet
            json_schema without name | {"input":"Hi","text":{"format":{"type":"json_schema","schema":{}}}} | text.format.name             | needs a name
            json_schema no schema    | {"input":"Hi","text":{"format":{"type":"json_schema","name":"n"}}}  | text.format.schema           | schema object
            a bad schema keyword     | {"input":"Hi","text":{"format":{"type":"json_schema","name":"n","schema":{"type":"array","uniqueItems":true}}}} | text.format.schema | uniqueItems
            an unknown format type   | {"input":"Hi","text":{"format":{"type":"grammar"}}}                 | text.format.type             | json_schema
            an unknown text field    | {"input":"Hi","text":{"verbosity":"low"}}                           | text.verbosity               | text.verbosity
            another include          | {"input":"Hi","include":["reasoning.encrypted_content"]}            | include                      | reasoning.encrypted_content
            too many top_logprobs    | {"input":"Hi","top_logprobs":21}                                    | top_logprobs                 | 0..20
            zero max_output_tokens   | {"input":"Hi","max_output_tokens":0}                                | max_output_tokens            | at least 1
            over the context         | {"input":"Hi","max_output_tokens":65}                               | max_output_tokens            | context length of 64
            temperature above 2      | {"input":"Hi","temperature":2.5}                                    | temperature                  | [0, 2]
            top_p of 0               | {"input":"Hi","top_p":0}                                            | top_p                        | (0, 1]
            a wrongly typed field    | {"input":"Hi","store":"yes"}                                        | store                        | store
            blank instructions       | {"input":"Hi","instructions":" "}                                   | instructions                 | blank
            """)
    void shouldRefuseWithA400NamingTheParameter(String what, String fields, String param, String message) {
        String body = fields.equals("{}") ? "{\"model\":\"" + MODEL + "\"}"
                : "{\"model\":\"" + MODEL + "\"," + fields.substring(1);
        JsonNode error = http.post().uri("/v1/responses").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isBadRequest()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("error");

        assertThat(error.get("param").asString()).isEqualTo(param);
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asString()).contains(message);
        assertThat(backend.requests()).as("nothing published").isEmpty();
    }
}
