package dev.llmplatform.deployment;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ManifestsParseTest {

    @Test
    void shouldParseEveryKubernetesManifestWithKindAndName() {
        List<Path> files = RepositoryFiles.yamlFilesUnder("k8s");
        assertThat(files).hasSizeGreaterThan(10);
        for (Path file : files) {
            List<Map<String, Object>> documents = RepositoryFiles.yamlDocuments(file);
            assertThat(documents).as(file + " documents").isNotEmpty();
            for (Map<String, Object> document : documents) {
                assertThat(Yamls.text(document, "apiVersion")).as(file + " apiVersion").isNotBlank();
                assertThat(Yamls.text(document, "kind")).as(file + " kind").isNotBlank();
                if (!"Kustomization".equals(Yamls.text(document, "kind"))) {
                    assertThat(Yamls.text(document, "metadata", "name")).as(file + " metadata.name").isNotBlank();
                }
            }
        }
    }

    @Test
    void shouldParseTheComposeFileAndTheMonitoringConfiguration() throws Exception {
        assertThat(Yamls.map(RepositoryFiles.yamlDocument("docker-compose.yml"), "services")).isNotEmpty();
        assertThat(RepositoryFiles.yamlDocument("deploy/prometheus/prometheus.yml")).containsKey("scrape_configs");
        for (Path file : RepositoryFiles.yamlFilesUnder("deploy/grafana/provisioning")) {
            assertThat(RepositoryFiles.yamlDocuments(file)).as(file.toString()).hasSize(1);
        }
        var dashboard = JsonMapper.builder().build().readTree(
                Files.readString(RepositoryFiles.path("deploy/grafana/dashboards/llm-inference.json")));
        assertThat(dashboard.path("panels").size()).isPositive();
    }

    @Test
    void shouldListOnlyExistingFilesInEveryKustomization() {
        for (var kustomization : KubernetesManifests.under("k8s").stream()
                .filter(m -> "Kustomization".equals(m.kind())).toList()) {
            Path dir = kustomization.file().getParent();
            for (String resource : strings(kustomization.body().get("resources"))) {
                assertThat(dir.resolve(resource)).as(kustomization.file() + " resource").exists();
            }
            for (var patch : Yamls.maps(kustomization.body(), "patches")) {
                assertThat(dir.resolve(Yamls.text(patch, "path"))).as(kustomization.file() + " patch").exists();
            }
        }
    }

    @Test
    void shouldListEveryBaseManifestInTheBaseKustomization() {
        Path base = RepositoryFiles.path("k8s/base");
        Set<Path> listed = new HashSet<>();
        for (String resource : strings(RepositoryFiles.yamlDocument("k8s/base/kustomization.yaml").get("resources"))) {
            listed.add(base.resolve(resource).normalize());
        }
        for (Path file : RepositoryFiles.yamlFilesUnder("k8s/base")) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                assertThat(listed).as("k8s/base/kustomization.yaml resources").contains(file.normalize());
            }
        }
    }

    @Test
    void shouldNameEveryBaseResourceOnce() {
        Set<String> seen = new HashSet<>();
        for (var manifest : KubernetesManifests.base()) {
            assertThat(seen.add(manifest.kind() + "/" + manifest.name())).as("duplicate " + manifest).isTrue();
        }
    }

    private static List<String> strings(Object list) {
        return list instanceof List<?> items ? items.stream().map(String::valueOf).toList() : List.of();
    }
}
