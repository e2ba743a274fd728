package dev.llmplatform.gateway.batches;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.gateway.batches.BatchesProtocol.LineResponse;
import dev.llmplatform.gateway.batches.BatchesProtocol.ResultLine;
import dev.llmplatform.gateway.chat.ChatProtocol.ChatRequest;
import dev.llmplatform.gateway.chat.ChatService;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionRequest;
import dev.llmplatform.gateway.completions.CompletionsService;
import dev.llmplatform.gateway.error.ApiErrorBody;
import dev.llmplatform.gateway.error.ApiErrors;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.security.PriorityPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;

/**
 * Runs one batch line through the endpoint it names, exactly as an HTTP call to it would run:
 * the body bound to the endpoint's request record, its validator, admission and limits, the
 * Kafka generation path, its renderer, at the batch priority ({@link PriorityPolicy}) unless the line names
 * one. Never fails: every outcome is a result line.
 */
final class LineExecutor {

    private static final Logger log = LoggerFactory.getLogger(LineExecutor.class);
    /** A busy gateway answers 503/429 with Retry-After; a batch waits instead of failing the line. */
    static final int BUSY_RETRIES = 120;

    private final CompletionsService completions;
    private final ChatService chat;
    private final JsonMapper json;
    private final Duration busyRetryDelay;

    LineExecutor(CompletionsService completions, ChatService chat, JsonMapper json, Duration busyRetryDelay) {
        this.completions = completions;
        this.chat = chat;
        this.json = json;
        this.busyRetryDelay = busyRetryDelay;
    }

    Mono<ResultLine> execute(BatchInput.Line line) {
        if (line.error() != null) {
            return Mono.just(refused(line, line.error()));
        }
        return Mono.defer(() -> call(line))
                .contextWrite(context -> context.put(PriorityPolicy.BATCH_CONTEXT_KEY, Boolean.TRUE))
                .retryWhen(Retry.fixedDelay(BUSY_RETRIES, busyRetryDelay)
                        .filter(LineExecutor::isBusy)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .map(entity -> new ResultLine(Batch.lineId(), line.customId(),
                        new LineResponse(entity.getStatusCode().value(), json.valueToTree(entity.getBody())), null))
                .onErrorResume(e -> Mono.just(refused(line, errorOf(e, line))));
    }

    private Mono<ResponseEntity<?>> call(BatchInput.Line line) {
        return switch (line.url()) {
            case BatchInput.COMPLETIONS -> completions.complete(bind(line, CompletionRequest.class), null);
            case BatchInput.CHAT -> chat.complete(bind(line, ChatRequest.class), null);
            default -> Mono.error(ApiException.invalid("url", "unsupported url " + line.url()));
        };
    }

    /** As WebFlux binds a request body, so a wrong type gets the same 400 as over HTTP. */
    private <T> T bind(BatchInput.Line line, Class<T> type) {
        try {
            return json.treeToValue(line.body(), type);
        } catch (JacksonException e) {
            throw new ServerWebInputException("Failed to read the line's body", null, e);
        }
    }

    private static boolean isBusy(Throwable e) {
        return e instanceof ApiException api && api.headers().containsKey(HttpHeaders.RETRY_AFTER);
    }

    private static ErrorInfo errorOf(Throwable e, BatchInput.Line line) {
        ErrorInfo error = ApiErrors.from(e, "POST", line.url());
        if (error.status() >= 500 && !(e instanceof ApiException)) {
            log.error("batch line {} failed unexpectedly", line.customId(), e);
        }
        return error;
    }

    private ResultLine refused(BatchInput.Line line, ErrorInfo error) {
        return new ResultLine(Batch.lineId(), line.customId(),
                new LineResponse(error.status(), json.valueToTree(ApiErrorBody.of(error))), null);
    }
}
