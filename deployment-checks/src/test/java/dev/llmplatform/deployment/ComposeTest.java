package dev.llmplatform.deployment;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ComposeTest {

    private static final Map<String, Object> SERVICES =
            Yamls.map(RepositoryFiles.yamlDocument("docker-compose.yml"), "services");

    private static Map<String, Object> service(String name) {
        return Yamls.map(SERVICES, name);
    }

    @Test
    void shouldStartEachContainerOnlyAfterItsDependenciesAreHealthy() {
        SERVICES.forEach((name, definition) -> {
            Map<String, Object> dependsOn = Yamls.map(Yamls.asMap(definition, name), "depends_on");
            dependsOn.forEach((dependency, condition) -> {
                String wanted = Yamls.text(Yamls.asMap(condition, name + " depends_on " + dependency), "condition");
                if ("service_completed_successfully".equals(wanted)) {
                    assertThat(Yamls.text(service(dependency), "restart")).as(dependency + " is one-shot").isEqualTo("no");
                } else {
                    assertThat(wanted).as(name + " waits for " + dependency).isEqualTo("service_healthy");
                    assertThat(service(dependency)).as(dependency + " healthcheck").containsKey("healthcheck");
                }
            });
        });
        assertThat(RepositoryFiles.read("docker-compose.yml")).doesNotContainPattern("\\bsleep\\b");
    }

    @Test
    void shouldRunTheOfficialKafkaImageInKraftMode() {
        Map<String, Object> kafka = service("kafka");
        assertThat(Yamls.text(kafka, "image")).isEqualTo("apache/kafka:4.1.2");
        assertThat(Yamls.text(kafka, "environment", "KAFKA_PROCESS_ROLES")).contains("broker", "controller");
        assertThat(kafka).containsKey("healthcheck");
        for (var environment : ServiceEnvironments.ofCompose(RepositoryFiles.yamlDocument("docker-compose.yml"))) {
            String compose = environment.where().substring("docker-compose.yml ".length());
            assertThat(Yamls.text(service(compose), "environment", "KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka:9092");
            assertThat(Yamls.map(service(compose), "depends_on")).containsKey("kafka");
        }
    }

    @Test
    void shouldSeedAndShareTheModelVolume() {
        assertThat((List<?>) Yamls.at(service("model-init"), "volumes")).map(String::valueOf)
                .contains("./models:/seed:ro", "models:/models");
        for (var environment : ServiceEnvironments.ofCompose(RepositoryFiles.yamlDocument("docker-compose.yml"))) {
            Map<String, Object> service = service(environment.where().substring("docker-compose.yml ".length()));
            String store = Yamls.text(service, "environment", "LLM_MODEL_STORE");
            assertThat((List<?>) service.get("volumes")).as(environment.where()).map(String::valueOf)
                    .anyMatch(v -> v.startsWith("models:" + store));
            assertThat(Yamls.map(service, "depends_on")).containsKey("model-init");
        }
    }

    @Test
    void shouldChartEveryInferenceMetricFromTheProvisionedDatasource() throws Exception {
        String dashboard = Files.readString(RepositoryFiles.path("deploy/grafana/dashboards/llm-inference.json"));
        for (String metric : List.of("llm_time_to_first_token_seconds_bucket", "llm_inter_token_latency_seconds_bucket",
                "llm_queue_time_seconds_bucket", "llm_prompt_tokens_total", "llm_generation_tokens_total",
                "llm_requests_total", "llm_active_sequences", "llm_waiting_requests", "llm_kv_cache_usage_ratio")) {
            assertThat(dashboard).as("dashboard query of " + metric).contains(metric);
        }
        assertThat(dashboard).contains("by (finish_reason)");
        String uid = Yamls.text(Yamls.maps(RepositoryFiles.yamlDocument(
                "deploy/grafana/provisioning/datasources/prometheus.yml"), "datasources").getFirst(), "uid");
        var panels = JsonMapper.builder().build().readTree(dashboard).path("panels");
        panels.forEach(panel -> assertThat(panel.path("datasource").path("uid").asString())
                .as(panel.path("title").asString()).isEqualTo(uid));
    }
}
