package dev.llmplatform.deployment;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The manifests under k8s/: every document of every file, with the file it came from. */
final class KubernetesManifests {

    /** One parsed manifest document. */
    record Manifest(Path file, Map<String, Object> body) {

        String kind() {
            return Yamls.text(body, "kind");
        }

        String name() {
            return Yamls.text(body, "metadata", "name");
        }

        @Override
        public String toString() {
            return kind() + "/" + name() + " (" + RepositoryFiles.root().relativize(file) + ")";
        }
    }

    static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet");

    private KubernetesManifests() {
    }

    /** Every document under a folder of k8s/, kustomization files included. */
    static List<Manifest> under(String folder) {
        return RepositoryFiles.yamlFilesUnder(folder).stream()
                .flatMap(file -> RepositoryFiles.yamlDocuments(file).stream().map(doc -> new Manifest(file, doc)))
                .toList();
    }

    /** The resources of the base (what the overlays start from). */
    static List<Manifest> base() {
        return under("k8s/base").stream().filter(m -> !"Kustomization".equals(m.kind())).toList();
    }

    static List<Manifest> ofKind(String kind) {
        return base().stream().filter(m -> kind.equals(m.kind())).toList();
    }

    static List<Manifest> workloads() {
        return base().stream().filter(m -> WORKLOAD_KINDS.contains(m.kind())).toList();
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return Yamls.maps(workload, "spec", "template", "spec", "containers");
    }
}
