package dev.llmplatform.deployment;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the outside world reaches: every Ingress path leads to a Service that selects gateway pods. */
class IngressTest {

    @Test
    void shouldSendBatchAndResponsesCallsToTheOneGatewayThatHoldsThemAndTheRestToAll() {
        Map<String, Object> ingress = KubernetesManifests.ofKind("Ingress").getFirst().body();
        List<Map<String, Object>> paths = Yamls.maps(Yamls.maps(ingress, "spec", "rules").getFirst(), "http", "paths");

        assertThat(paths).extracting(p -> Yamls.text(p, "path")).containsExactly("/v1/batches", "/v1/responses", "/");
        Map<String, Object> all = service(backendOf(paths.get(2)));
        for (Map<String, Object> stateful : paths.subList(0, 2)) {
            assertThat(Yamls.map(service(backendOf(stateful)), "spec", "selector"))
                    .containsEntry("app.kubernetes.io/name", "gateway")
                    .containsEntry("statefulset.kubernetes.io/pod-name", "gateway-0");
        }
        assertThat(Yamls.map(all, "spec", "selector")).containsOnlyKeys("app.kubernetes.io/name");
    }

    private static String backendOf(Map<String, Object> path) {
        return Yamls.text(path, "backend", "service", "name");
    }

    private static Map<String, Object> service(String name) {
        return KubernetesManifests.ofKind("Service").stream().map(KubernetesManifests.Manifest::body)
                .filter(body -> name.equals(Yamls.text(body, "metadata", "name")))
                .findFirst().orElseThrow(() -> new AssertionError("no Service " + name));
    }
}
