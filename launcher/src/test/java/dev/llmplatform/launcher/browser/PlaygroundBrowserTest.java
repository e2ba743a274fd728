package dev.llmplatform.launcher.browser;

import dev.llmplatform.launcher.PlatformTestAccess;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.launcher.models.PretrainedEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The playground in a real browser (Debian's headless Chromium) against the real platform: broker,
 * four services and the gateway serving the page, started once for the class. Each scenario leaves
 * a screenshot in {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaygroundBrowserTest {

    private static final String MODEL = DefaultModels.DEFAULT_MODEL;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PlatformTestAccess platform;
    private HeadlessChromium chromium;
    private PlaygroundPage page;

    @BeforeAll
    void start() {
        assumeTrue(HeadlessChromium.installed(), "needs " + HeadlessChromium.BROWSER + " and " + HeadlessChromium.DRIVER);
        platform = PlatformTestAccess.start(Map.of());
        chromium = HeadlessChromium.start();
        page = new PlaygroundPage(chromium, platform.baseUrl());
    }

    @AfterAll
    void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (platform != null) {
                platform.close();
            }
        }
    }

    @Test
    void shouldShowADroppedInCheckpointConvertingThenReadyOnTheModelsPage() throws java.io.IOException {
        page.open("models");
        page.await("the starter and the encoder listed as ready", () -> page.all("#models tr[data-state='ready']").stream()
                .map(row -> row.getAttribute("data-model")).toList().containsAll(List.of(MODEL, "all-minilm-l6-v2")));
        java.nio.file.Path dir = platform.modelStore().resolve("dropped-qwen2/1");
        java.nio.file.Path fixture = dev.llmplatform.launcher.HfFixtures.dir().resolve("qwen2");
        java.nio.file.Files.createDirectories(dir);
        try (var files = java.nio.file.Files.list(fixture)) {
            for (java.nio.file.Path f : files.toList()) {
                java.nio.file.Files.copy(f, dir.resolve(f.getFileName().toString()));
            }
        }

        page.await("the dropped model listed", () -> !page.all("#models tr[data-model='dropped-qwen2']").isEmpty());
        page.await("the dropped model ready", () -> !page.all("#models tr[data-model='dropped-qwen2'][data-state='ready']")
                .isEmpty());
        assertThat(page.text("#models tr[data-model='dropped-qwen2']")).contains("Qwen2ForCausalLM", "safetensors", "int8");
        page.screenshot("d-models");
    }

    @Test
    void shouldStreamACompletionIntoThePageOneBoxPerToken() {
        page.open("playground");
        complete("The animal", 24);

        List<WebElement> boxes = page.all("#output .tok");
        assertThat(boxes).as("one box per token").hasSizeGreaterThanOrEqualTo(3);
        assertThat(boxes.get(0).getAttribute("class")).contains("tok a");
        assertThat(boxes.get(1).getAttribute("class")).as("neighbours alternate, so boundaries show").contains("tok b");
        assertThat(page.all("#output .tok.p-high, #output .tok.p-mid, #output .tok.p-low, #output .tok.p-rare"))
                .as("boxes carry the probability the stream sent").isNotEmpty();
        assertThat(boxes.stream().map(WebElement::getText).reduce("", String::concat)).isNotBlank();
        assertThat(page.text("#stats")).contains("finish: ");
        page.screenshot("a-completion-stream");
    }

    @Test
    void shouldShowTheProbabilityTableOfAClickedToken() {
        page.open("playground");
        complete("The cat", 12);

        page.first("#output .tok.p-high, #output .tok.p-mid, #output .tok.p-low, #output .tok.p-rare").click();
        page.await("a table of the token and its alternatives", () -> page.all("#token-details tbody tr").size() >= 2);

        List<WebElement> rows = page.all("#token-details tbody tr");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(2);
        assertThat(page.all("#token-details tbody tr.chosen")).as("the generated token is marked").hasSize(1);
        List<Double> percents = rows.stream().map(row -> row.findElements(By.tagName("td")).get(2).getText())
                .map(p -> Double.parseDouble(p.replace("%", ""))).toList();
        assertThat(percents).allSatisfy(p -> assertThat(p).isBetween(0.0, 100.0));
        assertThat(percents).as("most likely first").isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(percents.stream().mapToDouble(Double::doubleValue).sum()).isLessThanOrEqualTo(100.5);
        page.screenshot("b-probability-table");
    }

    @Test
    void shouldStreamAChatReplyIntoTokenBoxes() {
        page.open("chat");
        page.choose("#chat-model", MODEL);
        page.type("#chat-settings [name=max_tokens]", "16");
        page.type("#chat-settings [name=seed]", "3");
        page.type("#chat-form [name=message]", "Tell me about the cat" + Keys.ENTER);

        page.await("the reply to finish", () -> page.all(".msg.assistant .tok").size() >= 1
                && page.first("#chat-send").isEnabled() && page.text("#chat-stats").contains("finish: "));
        assertThat(page.all(".msg.user")).hasSize(1);
        assertThat(page.text("#chat-error")).isEmpty();
        page.screenshot("chat-reply");
    }

    @Test
    void shouldShowAToolCallWithItsArgumentsAndAJsonReplyPrettyPrintedBesideItsTokens() {
        page.open("chat");
        page.choose("#chat-model", MODEL);
        page.type("#chat-settings [name=system]", " ");   // the starter's 128 tokens: no system prompt
        page.type("#chat-settings [name=max_tokens]", "60");
        page.type("#chat-settings [name=temperature]", "0");
        page.first("#chat-structured summary").click();
        page.type("#chat-settings [name=tools]", """
                [{"type":"function","function":{"name":"pick","parameters":{"type":"object",
                "properties":{"mood":{"enum":["happy","sad"]}},"required":["mood"],"additionalProperties":false}}}]""");
        page.choose("#chat-settings [name=tool_choice]", "required");
        page.type("#chat-form [name=message]", "Set the mood." + Keys.ENTER);

        page.await("the call shown", () -> !page.all(".msg.assistant .tool-call[data-name='pick']").isEmpty()
                && page.first("#chat-send").isEnabled() && page.text("#chat-stats").contains("finish: "));
        assertThat(page.text("#chat-error")).isEmpty();
        JsonNode arguments = JSON.readTree(page.text(".msg.assistant .tool-call .tool-arguments"));
        assertThat(arguments.get("mood").asString()).isIn("happy", "sad");
        assertThat(page.text(".msg.assistant .tool-call .tool-arguments")).as("pretty-printed").contains("\n");
        page.screenshot("chat-tool-call");

        page.first("#chat-new").click();
        page.type("#chat-settings [name=tools]", " ");
        page.type("#chat-settings [name=json_schema]", """
                {"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"],"additionalProperties":false}""");
        page.type("#chat-form [name=message]", "All fine?" + Keys.ENTER);

        page.await("the JSON reply shown", () -> !page.all(".msg.assistant .json-pretty").isEmpty()
                && page.first("#chat-send").isEnabled());
        assertThat(JSON.readTree(page.text(".msg.assistant .json-pretty")).get("ok").isBoolean()).isTrue();
        assertThat(page.all(".msg.assistant .tok")).as("the token boxes, with their probabilities, stay").isNotEmpty();
        page.screenshot("chat-json");
    }

    @Test
    void shouldDrawTheDecodersCausalAttentionAsLinesAndAMap() {
        int tokens = showAttention(MODEL);

        assertThat(page.all("#attention-heatmap rect.cell")).as("a query × key grid").hasSize(tokens * tokens);
        assertThat(page.all("#attention-heatmap rect.cell.masked")).as("causal: every key right of its query")
                .hasSize(tokens * (tokens - 1) / 2);
        assertThat(page.text("#attention-caption")).contains("causal").contains("to its left");
        page.first("#attention-lines .query").click();
        page.await("the first token's lines", () -> page.all("#attention-lines line").size() == 1);
        assertThat(page.attribute("#attention-lines line", "data-weight")).as("it can only attend to itself")
                .isEqualTo("1.0000");

        clickQuery("·it");
        assertThat(keysOfLines()).as("only to the left").allSatisfy(key -> assertThat(key).isLessThanOrEqualTo(selected()));
        page.screenshot("c-attention-decoder");
    }

    @Test
    void shouldDrawTheEncodersAttentionBothWays() {
        int tokens = showAttention(PretrainedEncoder.NAME);

        assertThat(page.all("#attention-heatmap rect.cell")).hasSize(tokens * tokens);
        assertThat(page.all("#attention-heatmap rect.cell.masked")).as("nothing masked").isEmpty();
        assertThat(page.text("#attention-kind")).isEqualTo("encoder · bidirectional");
        clickQuery("it");
        int it = selected();
        assertThat(keysOfLines()).as("lines to both sides of the chosen token")
                .anySatisfy(key -> assertThat(key).isLessThan(it)).anySatisfy(key -> assertThat(key).isGreaterThan(it));
        page.screenshot("c-attention-encoder");
    }

    /** Runs the view on the default sentence; returns how many tokens it drew. */
    private int showAttention(String model) {
        page.open("attention");
        page.choose("#attention-model", model);
        page.type("#attention-form [name=prompt]", "The animal didn't cross the street because it was tired");
        page.first("#attention-run").click();
        page.await("the attention picture", () -> !page.all("#attention-lines line").isEmpty());
        int tokens = page.all("#attention-lines .query").size();
        assertThat(tokens).isGreaterThanOrEqualTo(5);
        return tokens;
    }

    private void clickQuery(String label) {
        page.all("#attention-lines .query").stream().filter(query -> query.getText().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no token " + label)).click();
        page.await("token " + label + " chosen", () -> label.equals(page.text("#attention-lines .query.selected text")));
    }

    private int selected() {
        return Integer.parseInt(page.attribute("#attention-lines .query.selected", "data-index"));
    }

    private List<Integer> keysOfLines() {
        return page.all("#attention-lines line").stream().map(line -> Integer.parseInt(line.getAttribute("data-key"))).toList();
    }

    @Test
    void shouldTrainATinyModelWithALiveLossCurveThenOfferToChatWithIt() {
        String model = "browser-tiny";
        page.open("training");
        page.type("#training-form [name=model]", model);
        page.type("#training-form [name=layers]", "1");
        page.type("#training-form [name=hidden]", "32");
        page.type("#training-form [name=heads]", "2");
        page.type("#training-form [name=kv_heads]", "2");
        page.type("#training-form [name=context]", "32");
        page.type("#training-form [name=vocab_size]", "300");
        page.type("#training-form [name=documents]", "400");
        page.type("#training-form [name=steps]", "30");
        page.type("#training-form [name=batch_size]", "4");
        page.type("#training-form [name=learning_rate]", "0.01");
        page.first("#training-submit").click();

        page.await("a curve of at least two points", () -> points() >= 2);
        page.screenshot("d-training-live");
        page.await("the job to succeed", () -> page.text("#job-status").equals("succeeded"));
        assertThat(points()).isGreaterThanOrEqualTo(2);
        assertThat(page.attribute(".loss-chart polyline.series.loss", "points").split(" ")).hasSize(points());
        page.await("the job list to show it succeeded", () -> page.text("#jobs tbody").contains(model + "\tsucceeded"));
        page.screenshot("d-training-succeeded");

        page.first("#job-chat").click();
        page.await("the chat tab with the new model", () -> model.equals(page.value("#chat-model")));
        assertThat(page.first("#view-chat").isDisplayed()).isTrue();
    }

    private void complete(String prompt, int maxTokens) {
        page.choose("#model", MODEL);
        page.type("#prompt", prompt);
        page.type("#completion-form [name=max_tokens]", String.valueOf(maxTokens));
        page.type("#completion-form [name=seed]", "7");
        page.first("#generate").click();
        page.await("the completion to finish", () -> page.text("#stats").contains("finish: ") && page.first("#generate").isEnabled());
        assertThat(page.text("#error")).isEmpty();
    }

    private int points() {
        String points = page.attribute(".loss-chart", "data-points");
        return points == null ? 0 : Integer.parseInt(points);
    }
}
