package dev.llmplatform.launcher.processes;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The process mode's command line: replica counts, and how a child JVM finds its classes. */
class ProcessPlatformArgumentsTest {

    @Test
    void shouldParseReplicaCountsPerService() {
        assertThat(ProcessPlatform.parseReplicas("inference=2, tokenizer=2,gateway=3,training=0"))
                .isEqualTo(Map.of("inference", 2, "tokenizer", 2, "gateway", 3, "training", 0));
        assertThat(ProcessPlatform.parseReplicas(null)).isEmpty();
    }

    @Test
    void shouldRefuseUnknownServicesAndCountsBeyondThePartitions() {
        assertThatThrownBy(() -> ProcessPlatform.parseReplicas("kafka=2")).hasMessageContaining("service=count");
        assertThatThrownBy(() -> ProcessPlatform.parseReplicas("gateway=7")).hasMessageContaining("0..6");
    }

    @Test
    void shouldRunEachServiceWithTheMainClassItsImageUses() {
        assertThat(ProcessPlatform.mainClass("inference")).isEqualTo("dev.llmplatform.inference.InferenceApplication");
        assertThat(ProcessPlatform.mainClass("gateway")).isEqualTo("dev.llmplatform.gateway.GatewayApplication");
        // Tests run from class folders: the launcher's own classpath, the main class named directly.
        assertThat(ChildJvm.classpathAndMain("x.Main")).startsWith("-cp").endsWith("x.Main");
    }
}
