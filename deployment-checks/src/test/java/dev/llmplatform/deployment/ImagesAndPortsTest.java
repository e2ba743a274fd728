package dev.llmplatform.deployment;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.w3c.dom.Element;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Image names, tags and ports agree across the POMs, docker-compose.yml, k8s/ and the services' yml. */
class ImagesAndPortsTest {

    private static final String VERSION = RepositoryFiles.projectVersion();

    @Test
    void shouldShareOneJibRecipeThatNoPhaseRuns() {
        Element root = RepositoryFiles.pom("pom.xml").getDocumentElement();
        Element jib = Poms.jibPlugin(Poms.at(root, "build", "pluginManagement", "plugins"));
        assertThat(jib).as("jib-maven-plugin in the root <pluginManagement>").isNotNull();
        assertThat(Poms.text(jib, "version")).isEqualTo("3.5.2");
        assertThat(Poms.at(jib, "executions")).as("jib bound to a phase").isNull();
        assertThat(Poms.text(jib, "configuration", "skip")).isEqualTo("true");
        assertThat(Poms.text(jib, "configuration", "from", "image")).isEqualTo("eclipse-temurin:25-jre");
        assertThat(Poms.text(jib, "configuration", "to", "image"))
                .isEqualTo("llm-platform/${project.artifactId}:${project.version}");
        assertThat(Poms.text(jib, "configuration", "container", "user")).doesNotStartWith("0").isNotEqualTo("root");
        assertThat(Poms.text(jib, "configuration", "container", "environment", "OMP_WAIT_POLICY")).isEqualTo("PASSIVE");

        Element cudaProfile = Poms.children(Poms.at(root, "profiles"), "profile").stream()
                .filter(p -> "cuda".equals(Poms.text(p, "id"))).findFirst().orElseThrow();
        Element cudaJib = Poms.jibPlugin(Poms.at(cudaProfile, "build", "pluginManagement", "plugins"));
        assertThat(Poms.text(cudaJib, "configuration", "from", "image")).contains("cuda");
        assertThat(Poms.text(cudaJib, "configuration", "to", "image"))
                .isEqualTo("llm-platform/${project.artifactId}:${project.version}-cuda");
    }

    @Test
    void shouldBuildEachServiceImageFromItsMainClassAndPort() throws Exception {
        for (PlatformService service : PlatformService.ALL) {
            Element pom = RepositoryFiles.pom(service.module() + "/pom.xml").getDocumentElement();
            Element jib = Poms.jibPlugin(Poms.at(pom, "build", "plugins"));
            assertThat(jib).as(service.module() + " jib plugin").isNotNull();
            assertThat(Poms.at(jib, "executions")).as(service.module() + " jib bound to a phase").isNull();
            assertThat(Poms.text(jib, "configuration", "skip")).isEqualTo("false");

            Class<?> main = Class.forName(Poms.text(jib, "configuration", "container", "mainClass"));
            assertThat(main.getPackageName()).isEqualTo(service.basePackage());
            assertThat(main.isAnnotationPresent(SpringBootApplication.class)).as(main + " @SpringBootApplication").isTrue();
            assertThat(Poms.text(jib, "configuration", "container", "ports", "port"))
                    .as(service.module() + " image port").isEqualTo(String.valueOf(service.defaultPort()));
        }
    }

    @Test
    void shouldRunEachServiceInComposeFromItsImageAndPort() {
        Map<String, Object> services = Yamls.map(RepositoryFiles.yamlDocument("docker-compose.yml"), "services");
        for (PlatformService service : PlatformService.ALL) {
            List<Map<String, Object>> matching = services.values().stream()
                    .map(s -> Yamls.asMap(s, "service"))
                    .filter(s -> service.equals(PlatformService.ofImage(Yamls.text(s, "image")))).toList();
            assertThat(matching).as("compose services running " + service.image()).hasSize(1);
            String tag = PlatformService.tagOf(Yamls.text(matching.getFirst(), "image"));
            assertThat(tag.replaceAll("^\\$\\{[A-Z_]+:-(.*)}$", "$1")).as(service.image() + " tag").isEqualTo(VERSION);
            assertThat(String.valueOf(Yamls.at(matching.getFirst(), "healthcheck", "test")))
                    .as(service.module() + " health check")
                    .contains(String.valueOf(service.defaultPort())).contains(WorkloadRules.READINESS);
        }
    }

    @Test
    void shouldPublishOnlyTheGatewayOnPort8080() {
        Map<String, Object> services = Yamls.map(RepositoryFiles.yamlDocument("docker-compose.yml"), "services");
        services.forEach((name, definition) -> {
            PlatformService service = PlatformService.ofImage(Yamls.text(Yamls.asMap(definition, name), "image"));
            Object ports = Yamls.asMap(definition, name).get("ports");
            if (service != null && service.name().equals("gateway")) {
                assertThat((List<?>) ports).map(String::valueOf).containsExactly("8080:8080");
            } else if (service != null) {
                assertThat(ports).as(name + " published ports").isNull();
            }
        });
    }

    @Test
    void shouldRunEachServiceInKubernetesFromItsImageAndPort() {
        for (PlatformService service : PlatformService.ALL) {
            var containers = KubernetesManifests.workloads().stream()
                    .flatMap(w -> KubernetesManifests.containers(w.body()).stream())
                    .filter(c -> service.equals(PlatformService.ofImage(Yamls.text(c, "image")))).toList();
            assertThat(containers).as("k8s containers running " + service.image()).hasSize(1);
            assertThat(PlatformService.tagOf(Yamls.text(containers.getFirst(), "image"))).isEqualTo(VERSION);
            assertThat(Yamls.maps(containers.getFirst(), "ports")).extracting(p -> Yamls.text(p, "containerPort"))
                    .as(service.module() + " container port").containsExactly(String.valueOf(service.defaultPort()));
        }
    }

    @Test
    void shouldRunTheCudaImageOnGpusInTheGpuOverlay() {
        var kustomization = RepositoryFiles.yamlDocument("k8s/overlays/gpu/kustomization.yaml");
        assertThat(Yamls.maps(kustomization, "images"))
                .anySatisfy(image -> {
                    assertThat(Yamls.text(image, "name")).isEqualTo("llm-platform/inference-service");
                    assertThat(Yamls.text(image, "newTag")).isEqualTo(VERSION + "-cuda");
                });
        var patch = RepositoryFiles.yamlDocument("k8s/overlays/gpu/inference-gpu.yaml");
        assertThat(Yamls.map(patch, "spec", "template", "spec", "nodeSelector")).isNotEmpty();
        assertThat(Yamls.maps(patch, "spec", "template", "spec", "tolerations")).isNotEmpty();
        var container = KubernetesManifests.containers(patch).getFirst();
        assertThat(Yamls.text(container, "resources", "requests", "nvidia.com/gpu")).isEqualTo("1");
        assertThat(Yamls.text(container, "resources", "limits", "nvidia.com/gpu")).isEqualTo("1");
    }

    @Test
    void shouldScrapeEveryServiceFromPrometheus() {
        var prometheus = RepositoryFiles.yamlDocument("deploy/prometheus/prometheus.yml");
        var jobs = Yamls.maps(prometheus, "scrape_configs");
        assertThat(jobs).allSatisfy(job -> assertThat(Yamls.text(job, "metrics_path")).isEqualTo("/actuator/prometheus"));
        String targets = jobs.toString();
        Map<String, Object> services = Yamls.map(RepositoryFiles.yamlDocument("docker-compose.yml"), "services");
        services.forEach((name, definition) -> {
            PlatformService service = PlatformService.ofImage(Yamls.text(Yamls.asMap(definition, name), "image"));
            if (service != null) {
                assertThat(targets).as("prometheus target of " + name).contains(name + ":" + service.defaultPort());
            }
        });
    }
}
