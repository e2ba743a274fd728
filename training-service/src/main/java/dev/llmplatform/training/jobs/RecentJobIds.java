package dev.llmplatform.training.jobs;

import java.util.LinkedHashMap;
import java.util.Map;

/** The most recent job ids of some kind (cancelled, finished), oldest forgotten first: bounded memory. */
final class RecentJobIds {

    private final Map<String, Boolean> ids;

    RecentJobIds(int capacity) {
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void add(String jobId) {
        ids.put(jobId, Boolean.TRUE);
    }

    synchronized boolean contains(String jobId) {
        return ids.containsKey(jobId);
    }
}
