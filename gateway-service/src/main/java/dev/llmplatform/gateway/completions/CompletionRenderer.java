package dev.llmplatform.gateway.completions;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.gateway.completions.CompletionsProtocol.Choice;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionChunk;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionId;
import dev.llmplatform.gateway.completions.CompletionsProtocol.CompletionResponse;
import dev.llmplatform.gateway.completions.CompletionsProtocol.UsageBody;
import dev.llmplatform.gateway.error.ApiErrorBody;
import dev.llmplatform.gateway.error.ApiException;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;

/** Renders a stream of generation events as OpenAI completion output: one body, or SSE chunks. */
final class CompletionRenderer {

    static final String DONE = "[DONE]";

    private final JsonMapper json;

    CompletionRenderer(JsonMapper json) {
        this.json = json;
    }

    /**
     * Chunks as {@code data: {json}} events ending with {@code data: [DONE]}. The status line waits
     * for the first event: a request failed before any output (a prompt too long for the context)
     * errors the flux, so the client gets an HTTP error with OpenAI's body instead of a 200 stream.
     * A failure after that becomes an error event followed by {@code [DONE]}.
     */
    Flux<ServerSentEvent<String>> stream(Flux<GenerationEvent> events, CompletionId id, boolean includeUsage) {
        return events.switchOnFirst((first, all) -> {
            if (first.hasValue() && first.get() instanceof GenerationEvent.Failed failed) {
                return Flux.error(new ApiException(failed.error()));
            }
            if (first.isOnError()) {
                return Flux.error(first.getThrowable());
            }
            return all.concatMapIterable(event -> chunks(event, id, includeUsage))
                    .onErrorResume(e -> Mono.just(errorEvent(errorOf(e))))
                    .concatWithValues(data(DONE));
        });
    }

    /** The whole answer once the last event arrived; a failure errors the mono with its HTTP error. */
    Mono<CompletionResponse> whole(Flux<GenerationEvent> events, CompletionId id) {
        return events.reduceWith(TextAccumulator::new, TextAccumulator::add)
                .map(text -> text.toResponse(id));
    }

    private List<ServerSentEvent<String>> chunks(GenerationEvent event, CompletionId id, boolean includeUsage) {
        return switch (event) {
            case GenerationEvent.Delta delta -> delta.text().isEmpty()
                    ? List.of() : List.of(chunk(id, Choice.of(delta.text(), null)));
            case GenerationEvent.Completed done -> {
                List<ServerSentEvent<String>> last = new ArrayList<>();
                last.add(chunk(id, Choice.of(done.text(), done.finishReason().wireName())));
                if (includeUsage) {
                    last.add(data(json.writeValueAsString(CompletionChunk.usageOnly(id, usageOf(done, 0)))));
                }
                yield last;
            }
            case GenerationEvent.Failed failed -> List.of(errorEvent(failed.error()));
            case GenerationEvent.Tokenized ignored -> List.of();
            case GenerationEvent.Detokenized ignored -> List.of();
        };
    }

    private ServerSentEvent<String> chunk(CompletionId id, Choice choice) {
        return data(json.writeValueAsString(CompletionChunk.of(id, choice)));
    }

    private ServerSentEvent<String> errorEvent(ErrorInfo error) {
        return data(json.writeValueAsString(ApiErrorBody.of(error)));
    }

    /**
     * Spring writes {@code data:} with no space; the leading space gives OpenAI's exact
     * {@code data: {json}} line, and every SSE parser drops that one space again.
     */
    private static ServerSentEvent<String> data(String payload) {
        return ServerSentEvent.builder(" " + payload).build();
    }

    private static ErrorInfo errorOf(Throwable e) {
        return e instanceof ApiException api ? api.error()
                : ErrorInfo.internal("The server had an error while processing your request");
    }

    private static UsageBody usageOf(GenerationEvent.Completed done, int streamedTokens) {
        Usage usage = done.usage() != null ? done.usage()
                : new Usage(0, streamedTokens + done.tokenIds().size());
        return UsageBody.of(usage);
    }

    /** Collects the text of a non-streamed answer. */
    private static final class TextAccumulator {
        private final StringBuilder text = new StringBuilder();
        private int tokens;
        private GenerationEvent.Completed completed;

        TextAccumulator add(GenerationEvent event) {
            switch (event) {
                case GenerationEvent.Delta delta -> {
                    text.append(delta.text());
                    tokens += delta.tokenIds().size();
                }
                case GenerationEvent.Completed done -> {
                    text.append(done.text());
                    completed = done;
                }
                case GenerationEvent.Failed failed -> throw new ApiException(failed.error());
                case GenerationEvent.Tokenized ignored -> {
                }
                case GenerationEvent.Detokenized ignored -> {
                }
            }
            return this;
        }

        CompletionResponse toResponse(CompletionId id) {
            if (completed == null) {
                throw new ApiException(new ErrorInfo(502, "server_error",
                        "The generation ended without a result", null, null));
            }
            return CompletionResponse.of(id, Choice.of(text.toString(), completed.finishReason().wireName()),
                    usageOf(completed, tokens));
        }
    }
}
