package dev.llmplatform.gateway.batches;

import dev.llmplatform.gateway.batches.BatchesProtocol.BatchBody;
import dev.llmplatform.gateway.batches.BatchesProtocol.LineError;
import dev.llmplatform.gateway.batches.BatchesProtocol.RequestCounts;
import dev.llmplatform.gateway.batches.BatchesProtocol.ResultLine;
import dev.llmplatform.gateway.batches.BatchesProtocol.Status;
import reactor.core.Disposable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One batch: its status, one result slot per input line, and the subscription that runs it. Each
 * slot is written once (the first writer wins), so a line finishing while the batch is cancelled is
 * either a result or a cancelled error, never both; counts follow the slots.
 */
final class Batch {

    private static final long WINDOW_SECONDS = Duration.ofHours(24).toSeconds();

    private final String id = "batch_" + UUID.randomUUID().toString().replace("-", "");
    private final String owner;
    private final long createdAt;
    private final Map<String, String> metadata;
    private final List<BatchInput.Line> lines;
    private final String endpoint;
    private final AtomicReferenceArray<ResultLine> results;
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    private Status status = Status.VALIDATING;
    private Long inProgressAt;
    private Long endedAt;
    private Disposable run;

    /** @param owner the API key hash that may see the batch, or null when anyone may */
    Batch(List<BatchInput.Line> lines, String owner, long createdAtSeconds, Map<String, String> metadata) {
        this.lines = List.copyOf(lines);
        this.results = new AtomicReferenceArray<>(lines.size());
        List<String> urls = lines.stream().map(BatchInput.Line::url).filter(Objects::nonNull).distinct().toList();
        this.endpoint = urls.size() == 1 ? urls.getFirst() : null;
        this.owner = owner;
        this.createdAt = createdAtSeconds;
        this.metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    String id() {
        return id;
    }

    List<BatchInput.Line> lines() {
        return lines;
    }

    boolean visibleTo(String client) {
        return owner == null || owner.equals(client);
    }

    long createdAt() {
        return createdAt;
    }

    synchronized Status status() {
        return status;
    }

    /** Remembers the running subscription; disposes it at once when the batch was cancelled meanwhile. */
    synchronized void running(Disposable subscription) {
        if (status.isTerminal()) {
            subscription.dispose();
        } else {
            run = subscription;
        }
    }

    /** The lines start; false when the batch was cancelled before. */
    synchronized boolean start(long nowSeconds) {
        if (status != Status.VALIDATING) {
            return false;
        }
        status = Status.IN_PROGRESS;
        inProgressAt = nowSeconds;
        return true;
    }

    /** Records a line's result unless its slot is already filled; true when this one counted. */
    boolean record(int index, ResultLine result) {
        if (!results.compareAndSet(index, null, result)) {
            return false;
        }
        (result.succeeded() ? completed : failed).incrementAndGet();
        return true;
    }

    synchronized void complete(long nowSeconds) {
        end(Status.COMPLETED, nowSeconds, null);
    }

    /** Ends a running batch with {@code status}; lines without a result get an error with {@code code}. */
    synchronized boolean end(Status status, long nowSeconds, String code) {
        if (this.status.isTerminal()) {
            return false;
        }
        this.status = status;
        endedAt = nowSeconds;
        if (run != null) {
            run.dispose();
        }
        if (code != null) {
            String message = status == Status.CANCELLED ? "The batch was cancelled before this request finished"
                    : "The batch failed before this request finished";
            for (int i = 0; i < results.length(); i++) {
                record(i, new ResultLine(lineId(), lines.get(i).customId(), null, new LineError(code, message)));
            }
        }
        return true;
    }

    /** Results in input order; only meaningful once the batch has ended. */
    List<ResultLine> results() {
        List<ResultLine> lines = new ArrayList<>(results.length());
        for (int i = 0; i < results.length(); i++) {
            lines.add(results.get(i));
        }
        return lines;
    }

    synchronized BatchBody body() {
        return new BatchBody(id, BatchesProtocol.OBJECT, endpoint, BatchesProtocol.COMPLETION_WINDOW, status,
                "/v1/batches/" + id + "/output", createdAt, inProgressAt, createdAt + WINDOW_SECONDS,
                status == Status.COMPLETED ? endedAt : null, status == Status.FAILED ? endedAt : null,
                status == Status.CANCELLED ? endedAt : null,
                new RequestCounts(results.length(), completed.get(), failed.get()), metadata);
    }

    static String lineId() {
        return "batch_req_" + UUID.randomUUID().toString().replace("-", "");
    }
}
