package dev.llmplatform.launcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.util.Map;

/**
 * The same end-to-end checks against a real Kafka container (the official apache/kafka image):
 * only {@code bootstrap-servers} differs. Skipped where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformOnKafkaContainerTest extends CompletionContract {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.2");

    private PlatformUnderTest platform;

    @BeforeAll
    void startPlatform() {
        platform = PlatformUnderTest.start(KAFKA.getBootstrapServers(), Map.of());
    }

    @AfterAll
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Override
    PlatformUnderTest platform() {
        return platform;
    }
}
