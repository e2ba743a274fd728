package dev.llmplatform.deployment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The environment variable names each deployment file gives each service container. */
final class ServiceEnvironments {

    /** Variables given to one service in one place. */
    record Environment(PlatformService service, String where, List<String> variables) {
    }

    private ServiceEnvironments() {
    }

    static List<Environment> ofCompose(Map<String, Object> compose) {
        List<Environment> environments = new ArrayList<>();
        Yamls.map(compose, "services").forEach((name, definition) -> {
            Map<String, Object> service = Yamls.asMap(definition, name);
            PlatformService platformService = PlatformService.ofImage(Yamls.text(service, "image"));
            if (platformService != null) {
                environments.add(new Environment(platformService, "docker-compose.yml " + name,
                        composeVariables(service.get("environment"))));
            }
        });
        return environments;
    }

    /** Compose allows a mapping or a list of NAME=value strings. */
    static List<String> composeVariables(Object environment) {
        if (environment instanceof Map<?, ?> map) {
            return map.keySet().stream().map(String::valueOf).toList();
        }
        if (environment instanceof List<?> list) {
            return list.stream().map(String::valueOf).map(entry -> entry.split("=", 2)[0]).toList();
        }
        return List.of();
    }

    /** Containers of every workload under k8s/, overlay patches included (matched to the base by name). */
    static List<Environment> ofKubernetes() {
        Map<String, PlatformService> serviceByWorkload = new LinkedHashMap<>();
        for (var workload : KubernetesManifests.workloads()) {
            for (var container : KubernetesManifests.containers(workload.body())) {
                PlatformService service = PlatformService.ofImage(Yamls.text(container, "image"));
                if (service != null) {
                    serviceByWorkload.put(workload.kind() + "/" + workload.name(), service);
                }
            }
        }
        List<Environment> environments = new ArrayList<>();
        for (var manifest : KubernetesManifests.under("k8s")) {
            PlatformService service = serviceByWorkload.get(manifest.kind() + "/" + manifest.name());
            if (service == null) {
                continue;
            }
            for (var container : KubernetesManifests.containers(manifest.body())) {
                List<String> names = Yamls.maps(container, "env").stream().map(e -> Yamls.text(e, "name")).toList();
                environments.add(new Environment(service, manifest.toString(), names));
            }
        }
        return environments;
    }
}
