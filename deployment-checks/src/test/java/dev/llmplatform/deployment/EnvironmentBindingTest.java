package dev.llmplatform.deployment;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every environment variable that docker-compose.yml and k8s/ give a service binds to something the
 * service reads (relaxed binding onto its @ConfigurationProperties record or Spring Boot's
 * properties, or a ${NAME} placeholder of its yml).
 */
class EnvironmentBindingTest {

    private static final PlatformService GATEWAY = new PlatformService("gateway");

    @Test
    void shouldBindEveryVariableThatComposeGivesAService() {
        var environments = ServiceEnvironments.ofCompose(RepositoryFiles.yamlDocument("docker-compose.yml"));
        assertThat(environments).hasSize(PlatformService.ALL.size());
        for (var environment : environments) {
            assertThat(EnvironmentRules.violations(environment.service(), environment.variables(), environment.where()))
                    .isEmpty();
        }
    }

    @Test
    void shouldBindEveryVariableThatKubernetesGivesAService() {
        var environments = ServiceEnvironments.ofKubernetes();
        assertThat(environments).hasSizeGreaterThanOrEqualTo(PlatformService.ALL.size());
        for (var environment : environments) {
            assertThat(EnvironmentRules.violations(environment.service(), environment.variables(), environment.where()))
                    .isEmpty();
        }
    }

    @Test
    void shouldBindRecordComponentsSpringPropertiesAndPlaceholdersInTheirRelaxedForms() {
        var catalog = PropertyCatalog.forService(GATEWAY);
        assertThat(catalog.binds("LLM_GATEWAY_REPLY_PARTITION")).isTrue();
        assertThat(catalog.binds("LLM_GATEWAY_REPLYPARTITION")).isTrue();
        assertThat(catalog.binds("SPRING_KAFKA_BOOTSTRAP_SERVERS")).isTrue();
        assertThat(catalog.binds("SPRING_KAFKA_PRODUCER_PROPERTIES_LINGER_MS")).isTrue();
        assertThat(catalog.binds("SERVER_PORT")).isTrue();
        assertThat(GATEWAY.readsPlaceholder("KAFKA_BOOTSTRAP_SERVERS")).isTrue();
        assertThat(GATEWAY.readsPlaceholder("LLM_MODEL_STORE")).isTrue();
    }

    @Test
    void shouldRejectAVariableThatBindsToNothing() {
        List<String> variables = List.of("LLM_GATEWAY_REPLY_PARTITON", "LLM_TOKENIZER_MODEL_STORE",
                "SPRING_KAFKA_BOOTSTRAP_SERVER", "KAFKA_BOOTSTRAP");

        assertThat(EnvironmentRules.violations(GATEWAY, variables, "test")).hasSize(variables.size());
    }

    @Test
    void shouldKeepPendingVariablesOnlyWhileTheirPropertyIsMissing() {
        for (Map.Entry<String, String> pending : EnvironmentRules.PENDING.entrySet()) {
            String variable = pending.getKey();
            boolean bindsSomewhere = PlatformService.ALL.stream()
                    .anyMatch(s -> PropertyCatalog.forService(s).binds(variable) || s.readsPlaceholder(variable));
            assertThat(bindsSomewhere)
                    .as(variable + " binds now: remove it from EnvironmentRules.PENDING (" + pending.getValue() + ")")
                    .isFalse();
        }
    }
}
