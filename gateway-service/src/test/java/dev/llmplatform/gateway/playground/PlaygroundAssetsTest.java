package dev.llmplatform.gateway.playground;

import dev.llmplatform.gateway.models.ModelsController;
import dev.llmplatform.gateway.support.SliceTestBackend;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The playground at {@code /}: the page, and every stylesheet and JS module it reaches, served with the right type. */
@WebFluxTest(controllers = ModelsController.class, properties = "spring.config.name=gateway")
@Import(SliceTestBackend.class)
class PlaygroundAssetsTest {

    private static final Pattern PAGE_LINKS = Pattern.compile("(?:src|href)=\"((?:js|css)/[^\"]+)\"");
    private static final Pattern MODULE_IMPORTS = Pattern.compile("(?m)^import [^;]*?from '(\\.{1,2}/[^']+)';");

    @Autowired
    WebTestClient http;

    @Test
    void shouldServeThePageAtTheRoot() {
        String page = get("/", MediaType.TEXT_HTML);

        assertThat(page).contains("<script type=\"module\" src=\"js/main.js\">").contains("css/app.css")
                .as("nothing is fetched from the internet").doesNotContain("https://").doesNotContain("http://");
    }

    @Test
    void shouldServeEveryAssetThePageAndItsModulesReach() {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        Matcher links = PAGE_LINKS.matcher(get("/", MediaType.TEXT_HTML));
        while (links.find()) {
            queue.add("/" + links.group(1));
        }
        while (!queue.isEmpty()) {
            String path = queue.poll();
            if (!seen.add(path)) {
                continue;
            }
            if (path.endsWith(".css")) {
                get(path, MediaType.valueOf("text/css"));
                continue;
            }
            String module = get(path, MediaType.valueOf("text/javascript"));
            Matcher imports = MODULE_IMPORTS.matcher(module);
            while (imports.find()) {
                queue.add(resolve(path, imports.group(1)));
            }
        }
        assertThat(seen).contains("/css/app.css", "/js/main.js", "/js/api.js", "/js/sse.js", "/js/tokens.js",
                "/js/token-align.js", "/js/token-details.js", "/js/views/playground.js", "/js/views/chat.js", "/js/chat-tools.js",
                "/js/views/attention.js", "/js/attention/lines.js", "/js/attention/heatmap.js",
                "/js/views/training.js", "/js/training/chart.js");
    }

    @Test
    void shouldGiveEveryRoutedViewALinkAndASection() {
        String page = get("/", MediaType.TEXT_HTML);
        String main = get("/js/main.js", MediaType.valueOf("text/javascript"));
        Matcher routes = Pattern.compile("const views = \\{ ([a-z, ]+) \\};").matcher(main);
        assertThat(routes.find()).as("the router's view table").isTrue();

        for (String view : routes.group(1).split(", ")) {
            assertThat(page).contains("href=\"#/" + view + "\" data-view=\"" + view + "\"")
                    .contains("<section id=\"view-" + view + "\"");
        }
        assertThat(routes.group(1).split(", ")).contains("playground", "chat", "attention", "training");
    }

    private String get(String path, MediaType type) {
        return http.get().uri(path).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(type)
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private static String resolve(String from, String relative) {
        return java.net.URI.create("http://x" + from).resolve(relative).getPath();
    }
}
