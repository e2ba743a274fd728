package dev.llmplatform.inference.generation;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The probes' groups on the running service: what readiness and liveness are made of. */
class HealthProbesKafkaServiceTest extends InferenceServiceTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void shouldBeReadyWithTheBrokerListenersAndEnginesChecked() {
        JsonNode readiness = JSON.readTree(get("/actuator/health/readiness"));

        assertThat(readiness.path("status").asString()).isEqualTo("UP");
        JsonNode components = readiness.path("components");
        assertThat(components.propertyNames()).containsExactlyInAnyOrder(
                "readinessState", "kafkaBroker", "kafkaListeners", "generation");
        assertThat(components.path("kafkaBroker").path("status").asString()).isEqualTo("UP");
        assertThat(components.path("kafkaBroker").path("details").path("brokers").asInt()).isEqualTo(1);
        assertThat(components.path("kafkaListeners").path("details").path("listeners").path("inference-requests")
                .asString()).startsWith("running");
        assertThat(components.path("generation").path("details").path("models").has("tiny:1")).isTrue();
    }

    @Test
    void shouldBeLiveWithTheEngineThreadsCheckedAndNothingARestartCannotFix() {
        JsonNode liveness = JSON.readTree(get("/actuator/health/liveness"));

        assertThat(liveness.path("status").asString()).isEqualTo("UP");
        assertThat(liveness.path("components").propertyNames()).containsExactlyInAnyOrder("livenessState", "engineThreads");
        assertThat(liveness.path("components").path("engineThreads").path("status").asString()).isEqualTo("UP");
    }
}
