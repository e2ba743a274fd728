package dev.llmplatform.gateway.support;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What any answer to a hostile request must be: never a 5xx, and a 4xx is JSON in OpenAI's error
 * shape ({@code {"error":{"message","type",…}}}), or Anthropic's on the Messages routes.
 */
public final class HostileAnswers {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HostileAnswers() {
    }

    public static void check(String path, EntityExchangeResult<byte[]> result, Object request) {
        HttpStatusCode status = result.getStatus();
        byte[] body = result.getResponseBody();
        String text = body == null ? "" : new String(body, java.nio.charset.StandardCharsets.UTF_8);
        String shown = text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
        assertThat(status.is5xxServerError()).as("%s answered %s %s", request, status, shown).isFalse();
        // An answer may quote what was wrong, never all of it: a huge value is not sent back.
        assertThat(text.length()).as("%s: length of the answer %s", request, shown).isLessThan(8192);
        if (!status.is4xxClientError()) {
            return;
        }
        assertThat(result.getResponseHeaders().getContentType()).as("%s: content type of the %s", request, status)
                .satisfies(type -> assertThat(type.isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue());
        JsonNode tree = JSON.readTree(text);
        if (path.startsWith("/v1/messages")) {
            assertThat(tree.path("type").asString()).as("%s: %s", request, shown).isEqualTo("error");
        }
        assertThat(tree.path("error").path("message").isString()).as("%s: %s", request, shown).isTrue();
        assertThat(tree.path("error").path("message").asString()).as("%s: %s", request, shown).isNotBlank();
        assertThat(tree.path("error").path("type").isString()).as("%s: %s", request, shown).isTrue();
    }
}
