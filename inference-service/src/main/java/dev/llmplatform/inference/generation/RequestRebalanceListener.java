package dev.llmplatform.inference.generation;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What happens to running requests when their partition moves (cooperative rebalancing moves only those):
 * <ul>
 *   <li><b>revoked</b> (this replica is alive and hands the partition over, e.g. a replica joined): their records
 *   are committed now and they finish here; the new owner starts after them, so nothing runs twice.</li>
 *   <li><b>lost</b> (this replica was evicted, e.g. a pause longer than the session timeout): nothing can be
 *   committed any more, and the new owner runs them again from their records; they are abandoned here
 *   (cancelled, their remaining output dropped) so one stream does not come from two replicas.</li>
 * </ul>
 */
public final class RequestRebalanceListener implements ConsumerAwareRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(RequestRebalanceListener.class);

    /** Cancels a request in the engines. */
    @FunctionalInterface
    public interface Canceller {
        void cancel(String requestId);
    }

    private final RequestOffsets offsets;
    private final TokenEventPublisher publisher;
    private final Canceller canceller;

    public RequestRebalanceListener(RequestOffsets offsets, TokenEventPublisher publisher, Canceller canceller) {
        this.offsets = offsets;
        this.publisher = publisher;
        this.canceller = canceller;
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> pastAll = new HashMap<>();
        for (TopicPartition partition : partitions) {
            Long next = offsets.nextOffsetPastAll(partition);
            if (next != null) {
                pastAll.put(partition, new OffsetAndMetadata(next));
            }
        }
        if (!pastAll.isEmpty()) {
            try {
                consumer.commitSync(pastAll);
            } catch (RuntimeException e) {
                LOG.warn("could not commit {} on handing the partitions over; their running requests may run twice", pastAll, e);
            }
        }
        Set<String> running = offsets.forget(partitions);
        if (!running.isEmpty()) {
            LOG.info("partitions {} handed over; {} running requests finish here", partitions, running.size());
        }
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            LOG.info("took request partitions {}: their requests not committed yet run here (again, if their replica died)",
                    partitions);
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<String> running = offsets.forget(partitions);
        for (String requestId : running) {
            publisher.abandon(requestId);
            canceller.cancel(requestId);
        }
        LOG.warn("partitions {} lost (this replica missed its group's session timeout); {} running requests abandoned "
                + "here, their new owner runs them again", partitions, running.size());
    }
}
