package dev.llmplatform.gateway.batches;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.batches.BatchesProtocol.BatchBody;
import dev.llmplatform.gateway.batches.BatchesProtocol.BatchList;
import dev.llmplatform.gateway.batches.BatchesProtocol.CreateBatchRequest;
import dev.llmplatform.gateway.batches.BatchesProtocol.ResultLine;
import dev.llmplatform.gateway.batches.BatchesProtocol.Status;
import dev.llmplatform.gateway.chat.ChatService;
import dev.llmplatform.gateway.completions.CompletionsService;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.security.ClientIdentity;
import dev.llmplatform.gateway.serving.Unrecognized;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * Creates, runs, reads and cancels batches. A batch runs detached from the request that created
 * it, {@code llm.gateway.batches.concurrency} lines at a time, each through its endpoint's own
 * service (see {@link LineExecutor}), counted against its creator's limits. Cancelling disposes
 * the run: lines not yet started are never published, running ones get a cancel on Kafka.
 */
@Service
public class BatchesService {

    private static final Logger log = LoggerFactory.getLogger(BatchesService.class);

    private final BatchStore store;
    private final LineExecutor executor;
    private final int concurrency;
    private final int maxLines;
    private final JsonMapper json;
    private final InstantSource clock = InstantSource.system();

    public BatchesService(CompletionsService completions, ChatService chat, JsonMapper json,
                          GatewayProperties properties) {
        GatewayProperties.Batches settings = properties.batches();
        this.store = new BatchStore(settings.maxBatches());
        this.executor = new LineExecutor(completions, chat, json, Duration.ofSeconds(1));
        this.concurrency = settings.concurrency();
        this.maxLines = settings.maxLines();
        this.json = json;
    }

    /** A JSONL upload, one OpenAI batch input line per line. */
    public BatchBody createFromJsonl(String upload, ClientIdentity client) {
        List<String> lines = BatchInput.jsonlLines(upload);
        checkSize(lines.size(), "The upload");
        return start(BatchInput.fromJsonl(lines, json), client, Map.of());
    }

    public BatchBody create(CreateBatchRequest request, ClientIdentity client) {
        if (request == null) {
            throw ApiException.invalid(null, "The request needs a JSON body");
        }
        Unrecognized.refuse(request.unrecognized(), "");
        if (request.completionWindow() != null && !BatchesProtocol.COMPLETION_WINDOW.equals(request.completionWindow())) {
            throw ApiException.invalid("completion_window", "completion_window must be "
                    + BatchesProtocol.COMPLETION_WINDOW + ", got " + request.completionWindow());
        }
        List<JsonNode> input = request.input() == null ? List.of() : request.input();
        checkSize(input.size(), "input");
        return start(BatchInput.fromJson(input), client, request.metadata());
    }

    public BatchBody find(String id, ClientIdentity client) {
        return batch(id, client).body();
    }

    public BatchList list(ClientIdentity client) {
        return BatchList.of(store.list(owner(client)).stream().map(Batch::body).toList());
    }

    /** Results in input order, once the batch has ended (409 before). */
    public List<ResultLine> output(String id, ClientIdentity client) {
        Batch batch = batch(id, client);
        Status status = batch.status();
        if (!status.isTerminal()) {
            throw new ApiException(new ErrorInfo(409, "invalid_request_error", "Batch " + id + " is "
                    + status.wireName() + "; its output is ready once it has ended", null, "batch_not_finished"));
        }
        return batch.results();
    }

    /** Cancels a batch that has not ended; an ended one is returned as it is. */
    public BatchBody cancel(String id, ClientIdentity client) {
        Batch batch = batch(id, client);
        if (batch.end(Status.CANCELLED, seconds(), "batch_cancelled")) {
            log.info("batch {} cancelled: {}", id, batch.body().requestCounts());
        }
        return batch.body();
    }

    private BatchBody start(List<BatchInput.Line> lines, ClientIdentity client, Map<String, String> metadata) {
        Batch batch = new Batch(lines, owner(client), seconds(), metadata);
        store.add(batch);
        batch.running(Flux.defer(() -> batch.start(seconds())
                        ? Flux.fromIterable(batch.lines())
                        .flatMap(line -> executor.execute(line).doOnNext(result -> batch.record(line.index(), result)),
                                concurrency)
                        : Flux.empty())
                .subscribeOn(Schedulers.boundedElastic())
                // Lines count against the creator's limits, as its own requests would.
                .contextWrite(context -> context.put(ClientIdentity.class, client))
                .subscribe(null, error -> {
                    log.error("batch {} failed", batch.id(), error);
                    batch.end(Status.FAILED, seconds(), "batch_failed");
                }, () -> batch.complete(seconds())));
        log.info("batch {} created: {} lines", batch.id(), lines.size());
        return batch.body();
    }

    private void checkSize(int lines, String what) {
        if (lines == 0) {
            throw ApiException.invalid("input", what + " holds no request lines");
        }
        if (lines > maxLines) {
            throw ApiException.invalid("input", what + " holds " + lines + " lines; a batch may hold at most " + maxLines);
        }
    }

    private Batch batch(String id, ClientIdentity client) {
        return store.find(id, owner(client)).orElseThrow(() -> new ApiException(new ErrorInfo(404,
                "invalid_request_error", "No batch with id '" + id + "'", "batch_id", "batch_not_found")));
    }

    /** With API keys on, a batch belongs to its key; without, to anyone who can reach this instance. */
    private static String owner(ClientIdentity client) {
        return client != null && client.id().startsWith("key:") ? client.id() : null;
    }

    private long seconds() {
        return clock.millis() / 1000;
    }
}
