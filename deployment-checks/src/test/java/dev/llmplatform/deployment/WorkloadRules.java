package dev.llmplatform.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every Deployment and StatefulSet must have: probes on the actuator's health groups
 * (liveness and readiness, which the services enable with management.endpoint.health.probes)
 * and CPU and memory requests no larger than their limits.
 */
final class WorkloadRules {

    static final String LIVENESS = "/actuator/health/liveness";
    static final String READINESS = "/actuator/health/readiness";

    private WorkloadRules() {
    }

    static List<String> violations(Map<String, Object> workload) {
        List<String> violations = new ArrayList<>();
        String where = Yamls.name(workload);
        List<Map<String, Object>> containers = KubernetesManifests.containers(workload);
        if (containers.isEmpty()) {
            violations.add(where + ": no containers");
        }
        for (Map<String, Object> container : containers) {
            String at = where + " container " + Yamls.text(container, "name");
            checkProbe(container, "livenessProbe", LIVENESS, at, violations);
            checkProbe(container, "readinessProbe", READINESS, at, violations);
            Object startup = container.get("startupProbe");
            if (startup != null) {
                checkProbe(container, "startupProbe", LIVENESS, at, violations);
            }
            checkResources(Yamls.map(container, "resources"), at, violations);
        }
        return violations;
    }

    private static void checkProbe(Map<String, Object> container, String probe, String path, String at,
                                   List<String> violations) {
        Map<String, Object> httpGet = Yamls.map(container, probe, "httpGet");
        if (httpGet.isEmpty()) {
            violations.add(at + ": no " + probe + " with httpGet");
            return;
        }
        if (!path.equals(Yamls.text(httpGet, "path"))) {
            violations.add(at + ": " + probe + " should get " + path + ", gets " + Yamls.text(httpGet, "path"));
        }
        String port = Yamls.text(httpGet, "port");
        boolean declared = Yamls.maps(container, "ports").stream().anyMatch(p ->
                port != null && (port.equals(Yamls.text(p, "name")) || port.equals(Yamls.text(p, "containerPort"))));
        if (!declared) {
            violations.add(at + ": " + probe + " port " + port + " is not a port of the container");
        }
    }

    private static void checkResources(Map<String, Object> resources, String at, List<String> violations) {
        for (String resource : List.of("cpu", "memory")) {
            String request = Yamls.text(resources, "requests", resource);
            String limit = Yamls.text(resources, "limits", resource);
            if (request == null || limit == null) {
                violations.add(at + ": " + resource + " needs both a request and a limit");
            } else if (Quantities.parse(request) > Quantities.parse(limit)) {
                violations.add(at + ": " + resource + " request " + request + " exceeds its limit " + limit);
            }
        }
    }
}
