package dev.llmplatform.gateway.batches;

import dev.llmplatform.gateway.batches.BatchesProtocol.BatchBody;
import dev.llmplatform.gateway.batches.BatchesProtocol.BatchList;
import dev.llmplatform.gateway.batches.BatchesProtocol.CreateBatchRequest;
import dev.llmplatform.gateway.security.ClientIdentity;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v1/batches}: OpenAI-style batches of completions and chat completions, given as a JSONL
 * upload or inline JSON, run in the background; progress, results (JSONL, input order) and cancel.
 */
@RestController
@RequestMapping("/v1/batches")
public class BatchesController {

    public static final String JSONL = "application/jsonl";
    public static final String NDJSON = "application/x-ndjson";

    private final BatchesService service;
    private final JsonMapper json;

    public BatchesController(BatchesService service, JsonMapper json) {
        this.service = service;
        this.json = json;
    }

    @Operation(operationId = "createBatchFromJsonl", tags = "batches",
            summary = "Runs a batch: one OpenAI batch input line ({custom_id, method, url, body}) per line")
    @PostMapping(consumes = {JSONL, NDJSON})
    public Mono<BatchBody> upload(@RequestBody String upload, ServerWebExchange exchange) {
        // Parsing a large upload is CPU work: off the event loop.
        return Mono.fromCallable(() -> service.createFromJsonl(upload, ClientIdentity.of(exchange)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Operation(operationId = "createBatch", tags = "batches",
            summary = "Runs a batch given as {\"input\": [lines], \"completion_window\": \"24h\"}")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<BatchBody> create(@RequestBody CreateBatchRequest request, ServerWebExchange exchange) {
        return Mono.fromCallable(() -> service.create(request, ClientIdentity.of(exchange)));
    }

    @Operation(operationId = "listBatches", tags = "batches", summary = "Lists this instance's batches, newest first")
    @GetMapping
    public Mono<BatchList> list(ServerWebExchange exchange) {
        return Mono.fromCallable(() -> service.list(ClientIdentity.of(exchange)));
    }

    @Operation(operationId = "retrieveBatch", tags = "batches", summary = "A batch's status and request counts")
    @GetMapping("/{id}")
    public Mono<BatchBody> get(@PathVariable String id, ServerWebExchange exchange) {
        return Mono.fromCallable(() -> service.find(id, ClientIdentity.of(exchange)));
    }

    @Operation(operationId = "retrieveBatchOutput", tags = "batches",
            summary = "The results as JSONL, one line per input line in input order (409 until the batch ends)")
    @GetMapping(path = "/{id}/output", produces = {JSONL, MediaType.ALL_VALUE})
    public Mono<ResponseEntity<Flux<String>>> output(@PathVariable String id, ServerWebExchange exchange) {
        return Mono.fromCallable(() -> service.output(id, ClientIdentity.of(exchange)))
                .map(lines -> ResponseEntity.ok().contentType(MediaType.parseMediaType(JSONL))
                        .body(Flux.fromIterable(lines).map(line -> json.writeValueAsString(line) + "\n")));
    }

    @Operation(operationId = "cancelBatch", tags = "batches",
            summary = "Cancels a batch: no more lines start, running ones are stopped")
    @PostMapping("/{id}/cancel")
    public Mono<BatchBody> cancel(@PathVariable String id, ServerWebExchange exchange) {
        return Mono.fromCallable(() -> service.cancel(id, ClientIdentity.of(exchange)));
    }
}
