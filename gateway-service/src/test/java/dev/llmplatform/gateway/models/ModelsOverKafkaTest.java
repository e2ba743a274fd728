package dev.llmplatform.gateway.models;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.gateway.support.KafkaGatewayTest;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.llmplatform.gateway.support.TestModelStore.CONTEXT_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The model list: what the registry topic announces, with each model's state. */
class ModelsOverKafkaTest extends KafkaGatewayTest {

    @Test
    void shouldListAnnouncedModelsWithTheirPlatformFactsAndState() {
        publish("announced", Messages.toJson(new ModelEvent(ModelEvent.CURRENT_VERSION, "announced", "1", "decoder",
                4242, CONTEXT_LENGTH, 3.25, null, 1_700_000_000_000L, ModelEvent.State.CONVERTING, 0.5,
                "converting layer 1 of 2", "Qwen3ForCausalLM", "safetensors", "int8", true,
                null)));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(get("/v1/models/announced").statusCode()).isEqualTo(200));
        JsonNode list = Messages.mapper().readTree(get("/v1/models").body());
        assertThat(list.get("object").asString()).isEqualTo("list");
        JsonNode model = list.get("data").valueStream().filter(m -> m.get("id").asString().equals("announced"))
                .findFirst().orElseThrow();
        assertThat(model.get("object").asString()).isEqualTo("model");
        assertThat(model.get("owned_by").asString()).isEqualTo("llm-platform");
        assertThat(model.get("version").asString()).isEqualTo("1");
        assertThat(model.get("context_length").asInt()).isEqualTo(CONTEXT_LENGTH);
        assertThat(model.get("eval_loss").asDouble()).isEqualTo(3.25);
        assertThat(model.get("created").asLong()).isEqualTo(1_700_000_000L);
        assertThat(model.get("state").asString()).isEqualTo("converting");
        assertThat(model.get("progress").asDouble()).isEqualTo(0.5);
        assertThat(model.get("architecture").asString()).isEqualTo("Qwen3ForCausalLM");
        assertThat(model.get("source_format").asString()).isEqualTo("safetensors");
        assertThat(model.get("weight_format").asString()).isEqualTo("int8");
        assertThat(model.get("chat_template").asBoolean()).isTrue();

        HttpResponse<String> converting = post("/v1/completions", completion("announced"));
        assertThat(converting.statusCode()).as(converting.body()).isEqualTo(503);
        assertThat(converting.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldServeAModelAsSoonAsTheRegistryTopicPublishesIt() {
        String name = "fresh-model";
        assertThat(post("/v1/completions", completion(name)).statusCode()).isEqualTo(404);

        publish(name, Messages.toJson(new ModelEvent(ModelEvent.CURRENT_VERSION, name, "7", "decoder", 4242, 256,
                1.5, "job-9", System.currentTimeMillis())));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(get("/v1/models/" + name).statusCode()).isEqualTo(200));
        JsonNode card = Messages.mapper().readTree(get("/v1/models/" + name).body());
        assertThat(card.get("version").asString()).isEqualTo("7");
        assertThat(card.get("context_length").asInt()).isEqualTo(256);
        assertThat(card.get("parameter_count").asLong()).isEqualTo(4242);
        HttpResponse<String> completion = post("/v1/completions", completion(name));
        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
    }

    @Test
    void shouldSendAnUnreadableRegistryRecordToTheDeadLetterTopicAndKeepListening() {
        publish("broken", "{\"name\":\"broken\"");
        publish("after-broken", Messages.toJson(new ModelEvent(ModelEvent.CURRENT_VERSION, "after-broken", "1",
                "decoder", 1, 64, Double.NaN, null, System.currentTimeMillis())));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(get("/v1/models/after-broken").statusCode()).isEqualTo(200));
        assertThat(Messages.mapper().readTree(get("/v1/models/after-broken").body()).get("eval_loss").isNull())
                .as("an unknown loss is null, not NaN").isTrue();
        assertThat(deadLetterKeys()).contains("broken");
    }

    private String completion(String model) {
        return "{\"model\":\"%s\",\"prompt\":\"Say hello\"}".formatted(model);
    }

    private void publish(String key, String json) {
        peer.sendRaw(Topics.MODELS.name(), 0, key, json);
    }

    private List<String> deadLetterKeys() {
        TopicPartition dlt = new TopicPartition(Topics.MODELS.deadLetter(), 0);
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(dlt));
            consumer.seekToBeginning(List.of(dlt));
            List<String> keys = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (keys.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    keys.add(record.key());
                }
            }
            return keys;
        }
    }
}
