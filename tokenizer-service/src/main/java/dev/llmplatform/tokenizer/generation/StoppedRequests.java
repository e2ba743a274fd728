package dev.llmplatform.tokenizer.generation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Request ids whose stream this instance ended at a stop string, so that token events the engine
 * produced before it saw the cancel are dropped. Bounded: the oldest ids are forgotten first.
 */
public final class StoppedRequests {

    private final Set<String> ids;

    public StoppedRequests(int capacity) {
        this.ids = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        }));
    }

    public void add(String requestId) {
        ids.add(requestId);
    }

    public boolean contains(String requestId) {
        return ids.contains(requestId);
    }
}
