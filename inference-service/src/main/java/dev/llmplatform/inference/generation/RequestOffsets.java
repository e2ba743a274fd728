package dev.llmplatform.inference.generation;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which request records may be committed: a request's offset counts as handled only once the request has
 * finished here (its last token event is in Kafka), and a partition's committed offset never passes a
 * request still running. So a replica killed mid-generation leaves its running requests uncommitted, and
 * whichever replica takes the partition runs them again from the start (at least once; seeded and greedy
 * generations repeat token for token, and the gateway drops what its client already has).
 *
 * <p>Requests finish out of order (continuous batching), so each partition keeps its open offsets in order
 * and commits, through the record's own commit handle, the offset after the longest finished run at its head.
 */
public final class RequestOffsets {

    /** Commits the offset after one record (spring-kafka's {@code Acknowledgment}, in the service). */
    @FunctionalInterface
    public interface Commit {
        void commit();
    }

    private static final class Entry {
        final String requestId;
        Commit commit;
        boolean finished;

        Entry(String requestId, Commit commit) {
            this.requestId = requestId;
            this.commit = commit;
        }
    }

    private record Position(TopicPartition partition, long offset) {
    }

    private final Map<TopicPartition, TreeMap<Long, Entry>> open = new HashMap<>();
    private final Map<String, List<Position>> byRequest = new HashMap<>();

    /** A request record was taken (a redelivered one, already open here, only renews its commit handle). */
    public synchronized void received(TopicPartition partition, long offset, String requestId, Commit commit) {
        TreeMap<Long, Entry> entries = open.computeIfAbsent(partition, p -> new TreeMap<>());
        Entry existing = entries.get(offset);
        if (existing != null) {
            existing.commit = commit;
            return;
        }
        entries.put(offset, new Entry(requestId, commit));
        byRequest.computeIfAbsent(requestId, id -> new ArrayList<>()).add(new Position(partition, offset));
    }

    /** The request's last event is out: its records may be committed once those before them are. */
    public synchronized void finished(String requestId) {
        List<Position> positions = byRequest.remove(requestId);
        if (positions == null) {
            return;
        }
        Set<TopicPartition> touched = new java.util.LinkedHashSet<>();
        for (Position position : positions) {
            TreeMap<Long, Entry> entries = open.get(position.partition());
            Entry entry = entries == null ? null : entries.get(position.offset());
            if (entry != null) {
                entry.finished = true;
                touched.add(position.partition());
            }
        }
        touched.forEach(partition -> commitFinishedHead(open.get(partition)));
    }

    private static void commitFinishedHead(TreeMap<Long, Entry> entries) {
        Entry last = null;
        while (!entries.isEmpty() && entries.firstEntry().getValue().finished) {
            last = entries.pollFirstEntry().getValue();
        }
        if (last != null) {
            last.commit.commit();
        }
    }

    /** The offset to commit so that none of the partition's records is taken again: after the last one seen. */
    public synchronized Long nextOffsetPastAll(TopicPartition partition) {
        TreeMap<Long, Entry> entries = open.get(partition);
        return entries == null || entries.isEmpty() ? null : entries.lastKey() + 1;
    }

    /**
     * Forgets partitions this replica no longer owns (nothing of theirs is committed from here any more).
     *
     * @return the requests of those partitions still running here
     */
    public synchronized Set<String> forget(Collection<TopicPartition> partitions) {
        Set<String> running = new java.util.LinkedHashSet<>();
        for (TopicPartition partition : partitions) {
            TreeMap<Long, Entry> entries = open.remove(partition);
            if (entries == null) {
                continue;
            }
            for (Map.Entry<Long, Entry> e : entries.entrySet()) {
                List<Position> positions = byRequest.get(e.getValue().requestId);
                if (positions != null) {
                    positions.remove(new Position(partition, e.getKey()));
                    if (positions.isEmpty()) {
                        byRequest.remove(e.getValue().requestId);
                    }
                }
                if (!e.getValue().finished) {
                    running.add(e.getValue().requestId);
                }
            }
        }
        return running;
    }

    /** Records taken and not yet committable, over all partitions. */
    public synchronized int pending() {
        return open.values().stream().mapToInt(Map::size).sum();
    }
}
