package dev.llmplatform.deployment;

import dev.llmplatform.topics.Topics;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WorkloadsTest {

    @Test
    void shouldProbeActuatorHealthGroupsAndLimitResourcesInEveryWorkload() {
        var workloads = KubernetesManifests.workloads();
        assertThat(workloads).hasSize(PlatformService.ALL.size());
        for (var workload : workloads) {
            assertThat(WorkloadRules.violations(workload.body())).as(workload.toString()).isEmpty();
        }
    }

    @Test
    void shouldRejectAWorkloadWithoutReadinessProbeOrLimits() {
        Map<String, Object> gateway = copy(KubernetesManifests.ofKind("StatefulSet").getFirst().body());
        Map<String, Object> container = KubernetesManifests.containers(gateway).getFirst();
        container.remove("readinessProbe");
        Yamls.map(container, "resources").remove("limits");
        Yamls.map(container, "livenessProbe", "httpGet").put("path", "/healthz");

        assertThat(WorkloadRules.violations(gateway)).hasSize(4)
                .anyMatch(v -> v.contains("no readinessProbe"))
                .anyMatch(v -> v.contains("livenessProbe should get /actuator/health/liveness"))
                .anyMatch(v -> v.contains("cpu needs both a request and a limit"));
    }

    @Test
    void shouldRejectARequestAboveItsLimit() {
        Map<String, Object> gateway = copy(KubernetesManifests.ofKind("StatefulSet").getFirst().body());
        Yamls.map(KubernetesManifests.containers(gateway).getFirst(), "resources", "requests").put("memory", "64Gi");

        assertThat(WorkloadRules.violations(gateway)).singleElement().asString().contains("memory request 64Gi exceeds");
    }

    @Test
    void shouldCoverEveryWorkloadWithAPodDisruptionBudget() {
        var budgets = KubernetesManifests.ofKind("PodDisruptionBudget").stream()
                .map(pdb -> Yamls.map(pdb.body(), "spec", "selector", "matchLabels")).toList();
        for (var workload : KubernetesManifests.workloads()) {
            assertThat(budgets).as("PodDisruptionBudget of " + workload)
                    .contains(Yamls.map(workload.body(), "spec", "selector", "matchLabels"));
        }
    }

    @Test
    void shouldGiveEachGatewayItsOwnReplyPartition() {
        var gateway = KubernetesManifests.ofKind("StatefulSet").stream()
                .filter(s -> s.name().equals("gateway")).findFirst().orElseThrow().body();
        int replicas = Integer.parseInt(Yamls.text(gateway, "spec", "replicas"));
        assertThat(replicas).as("gateways (one partition of " + Topics.GENERATION_EVENTS.name() + " each)")
                .isBetween(1, Topics.GENERATION_EVENTS.partitions());
        var env = Yamls.maps(KubernetesManifests.containers(gateway).getFirst(), "env");
        assertThat(env).filteredOn(e -> "LLM_GATEWAY_REPLY_PARTITION".equals(Yamls.text(e, "name")))
                .singleElement()
                .satisfies(e -> assertThat(Yamls.text(e, "valueFrom", "fieldRef", "fieldPath"))
                        .isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']"));
    }

    @Test
    void shouldScaleInferenceOnRequestLagUpToThePartitionCount() {
        var scaledObject = KubernetesManifests.ofKind("ScaledObject").getFirst().body();
        var inference = KubernetesManifests.workloads().stream()
                .filter(w -> KubernetesManifests.containers(w.body()).stream()
                        .anyMatch(c -> new PlatformService("inference").equals(PlatformService.ofImage(Yamls.text(c, "image")))))
                .findFirst().orElseThrow();
        assertThat(Yamls.text(scaledObject, "spec", "scaleTargetRef", "name")).isEqualTo(inference.name());
        assertThat(Integer.parseInt(Yamls.text(scaledObject, "spec", "maxReplicaCount")))
                .isBetween(1, Topics.INFERENCE_REQUESTS.partitions());

        var trigger = Yamls.maps(scaledObject, "spec", "triggers").getFirst();
        assertThat(Yamls.text(trigger, "type")).isEqualTo("kafka");
        assertThat(Yamls.text(trigger, "metadata", "topic")).isEqualTo(Topics.INFERENCE_REQUESTS.name());
        var inferenceYml = new Yaml(new SafeConstructor(new LoaderOptions()))
                .<Map<String, Object>>load(new PlatformService("inference").configYaml());
        assertThat(Yamls.text(trigger, "metadata", "consumerGroup"))
                .isEqualTo(Yamls.text(inferenceYml, "spring", "kafka", "consumer", "group-id"));
    }

    @Test
    void shouldMountTheModelStoreWhereLlmModelStorePoints() {
        for (var workload : KubernetesManifests.workloads()) {
            var podSpec = Yamls.map(workload.body(), "spec", "template", "spec");
            String volume = Yamls.maps(podSpec, "volumes").stream()
                    .filter(v -> "llm-models".equals(Yamls.text(v, "persistentVolumeClaim", "claimName")))
                    .map(v -> Yamls.text(v, "name")).findFirst().orElse(null);
            assertThat(volume).as(workload + " volume of claim llm-models").isNotNull();
            var container = KubernetesManifests.containers(workload.body()).getFirst();
            String store = Yamls.maps(container, "env").stream()
                    .filter(e -> "LLM_MODEL_STORE".equals(Yamls.text(e, "name")))
                    .map(e -> Yamls.text(e, "value")).findFirst().orElse(null);
            assertThat(Yamls.maps(container, "volumeMounts")).as(workload + " mounts")
                    .anyMatch(m -> volume.equals(Yamls.text(m, "name")) && Yamls.text(m, "mountPath").equals(store));
        }
    }

    /** A deep, mutable copy (through YAML) so a test can break it without touching the shared parse. */
    static Map<String, Object> copy(Map<String, Object> manifest) {
        var yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        return Yamls.asMap(yaml.load(yaml.dump(manifest)), "copy");
    }

    static List<Map<String, Object>> copy(List<Map<String, Object>> manifests) {
        return manifests.stream().map(WorkloadsTest::copy).toList();
    }
}
