package dev.llmplatform.launcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Broker (in-process KRaft) + four services + real HTTP: one prompt through everything. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformEndToEndTest extends CompletionContract {

    private PlatformUnderTest platform;
    /** What the console showed while the platform started (the launcher's logback.xml writes there). */
    private String startLog;

    @BeforeAll
    void startPlatform() {
        PrintStream console = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(console, captured), true, StandardCharsets.UTF_8));
        try {
            platform = PlatformUnderTest.start(null, Map.of());
        } finally {
            System.setOut(console);
            startLog = captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void startUpLogIsAShortBannerNotKafkasConfigurationDumps() {
        assertThat(startLog).contains("llm-platform ready in", "playground", "/openapi.json", "starter");
        assertThat(startLog).doesNotContain("KafkaConfig values:", "ProducerConfig values:", "ConsumerConfig values:",
                "AdminClientConfig values:", "Kafka version:", "partitions assigned:", "No active profile set");
        // About 1,600 lines before the launcher's logback.xml; a few dozen now (models found, banner, warnings).
        assertThat(startLog.lines().count()).isLessThan(150);
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
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
