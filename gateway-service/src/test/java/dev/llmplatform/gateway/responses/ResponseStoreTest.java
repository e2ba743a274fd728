package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponseBody;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounded in-memory store: at most max-stored, each kept for the retention, owned by its key. */
class ResponseStoreTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

    @Test
    void shouldForgetTheOldestToMakeRoom() {
        ResponseStore store = new ResponseStore(2, Duration.ofHours(1), clock);
        store.put(body("resp_1"), List.of(), null);
        store.put(body("resp_2"), List.of(), null);
        store.put(body("resp_3"), List.of(), null);

        assertThat(store.find("resp_1", null)).isEmpty();
        assertThat(store.find("resp_2", null)).isPresent();
        assertThat(store.find("resp_3", null)).isPresent();
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void shouldForgetAResponseOnceItsRetentionHasPassed() {
        ResponseStore store = new ResponseStore(10, Duration.ofMinutes(5), clock);
        store.put(body("resp_old"), List.of(new ChatMessage("user", "Hi")), null);
        now.addAndGet(Duration.ofMinutes(3).toMillis());
        store.put(body("resp_new"), List.of(), null);
        now.addAndGet(Duration.ofMinutes(2).toMillis());

        assertThat(store.find("resp_old", null)).as("5 minutes old").isEmpty();
        assertThat(store.find("resp_new", null)).isPresent();
        assertThat(store.delete("resp_old", null)).isFalse();
    }

    @Test
    void shouldShowAResponseStoredWithAKeyOnlyToThatKey() {
        ResponseStore store = new ResponseStore(10, Duration.ofHours(1), clock);
        store.put(body("resp_k"), List.of(), "key:a");

        assertThat(store.find("resp_k", "key:b")).isEmpty();
        assertThat(store.delete("resp_k", "key:b")).isFalse();
        assertThat(store.find("resp_k", "key:a")).isPresent();
        assertThat(store.delete("resp_k", "key:a")).isTrue();
        assertThat(store.find("resp_k", "key:a")).isEmpty();
    }

    private static ResponseBody body(String id) {
        ResponseBody t = ResponseAssemblerTest.template();
        return new ResponseBody(id, t.object(), t.createdAt(), "completed", null, null, null, null, t.model(),
                List.of(), true, null, t.reasoning(), true, null, t.text(), "auto", List.of(), null, null, "disabled",
                null, null, t.metadata());
    }
}
