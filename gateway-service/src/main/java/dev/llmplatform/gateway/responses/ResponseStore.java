package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponseBody;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stored responses of this gateway instance, in memory (as batches): lost on restart and
 * invisible to other instances. At most {@code maxStored} are kept, each for {@code retention}
 * after it was stored; the oldest goes first to make room.
 */
final class ResponseStore {

    /**
     * @param conversation what a follow-up's {@code previous_response_id} replays: the earlier turns,
     *                     this response's input and its answer (without instructions, as OpenAI)
     * @param owner        the API key hash that created it, or null (keys off: anyone reaching this instance)
     */
    record Stored(ResponseBody body, List<ChatMessage> conversation, String owner, long storedAtMs) {
        boolean visibleTo(String client) {
            return owner == null || owner.equals(client);
        }
    }

    private final int maxStored;
    private final long retentionMs;
    private final InstantSource clock;
    private final Map<String, Stored> responses = new LinkedHashMap<>();

    ResponseStore(int maxStored, Duration retention, InstantSource clock) {
        this.maxStored = maxStored;
        this.retentionMs = retention.toMillis();
        this.clock = clock;
    }

    synchronized void put(ResponseBody body, List<ChatMessage> conversation, String owner) {
        expire();
        responses.remove(body.id());
        while (responses.size() >= maxStored) {
            Iterator<String> oldest = responses.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        responses.put(body.id(), new Stored(body, List.copyOf(conversation), owner, clock.millis()));
    }

    synchronized Optional<Stored> find(String id, String client) {
        expire();
        return Optional.ofNullable(responses.get(id)).filter(stored -> stored.visibleTo(client));
    }

    /** True when it was there (and visible to the client) and is now gone. */
    synchronized boolean delete(String id, String client) {
        expire();
        Stored stored = responses.get(id);
        if (stored == null || !stored.visibleTo(client)) {
            return false;
        }
        responses.remove(id);
        return true;
    }

    synchronized int size() {
        expire();
        return responses.size();
    }

    /** Insertion order is storing order, so the expired ones are at the front. */
    private void expire() {
        long oldestKept = clock.millis() - retentionMs;
        Iterator<Stored> it = responses.values().iterator();
        while (it.hasNext() && it.next().storedAtMs() <= oldestKept) {
            it.remove();
        }
    }
}
