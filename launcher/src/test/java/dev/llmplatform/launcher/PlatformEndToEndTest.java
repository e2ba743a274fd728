package dev.llmplatform.launcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

/** Broker (in-process KRaft) + four services + real HTTP: one prompt through everything. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformEndToEndTest extends CompletionContract {

    private PlatformUnderTest platform;

    @BeforeAll
    void startPlatform() {
        platform = PlatformUnderTest.start(null, Map.of());
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
