package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationEvent.LogprobEntry;
import dev.llmplatform.gateway.error.ApiErrorBody;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.serving.ResponseFormat.ChoiceResult;
import dev.llmplatform.gateway.serving.ResponseFormat.Piece;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders the merged events of a request's choices in an endpoint's {@link ResponseFormat}: one
 * body, or SSE chunks. A failure of any choice fails the whole answer (the other choices are
 * cancelled), as OpenAI answers one request with one outcome.
 */
final class ResponseRenderer {

    static final String DONE = "[DONE]";

    private final JsonMapper json;

    ResponseRenderer(JsonMapper json) {
        this.json = json;
    }

    /**
     * Chunks as {@code data: {json}} events ending with {@code data: [DONE]}. The status line waits
     * for the first event: a request failed before any output (a prompt too long for the context)
     * errors the flux, so the client gets an HTTP error with OpenAI's body instead of a 200 stream.
     * A failure after that becomes an error event followed by {@code [DONE]}.
     */
    Flux<ServerSentEvent<String>> stream(Flux<IndexedEvent> events, ResponseId id, int choices, int perInput,
                                         boolean includeUsage, ResponseFormat format) {
        return events.switchOnFirst((first, all) -> {
            if (first.hasValue() && first.get().event() instanceof GenerationEvent.Failed failed) {
                return Flux.error(new ApiException(failed.error()));
            }
            if (first.isOnError()) {
                return Flux.error(first.getThrowable());
            }
            Choices state = new Choices(choices, perInput);
            return all.concatMapIterable(event -> chunks(event, id, format, state))
                    .concatWith(Flux.defer(() -> includeUsage
                            ? Flux.just(data(format.usageChunk(id, state.usage()))) : Flux.empty()))
                    .onErrorResume(e -> Mono.just(errorEvent(errorOf(e))))
                    .concatWithValues(raw(DONE));
        });
    }

    /**
     * The whole answer once every choice ended; a failure errors the mono with its HTTP error.
     *
     * @param perInput choices per prompt ({@code n}): consecutive groups of that many share a prompt
     */
    Mono<Object> whole(Flux<IndexedEvent> events, ResponseId id, int choices, int perInput, ResponseFormat format) {
        return events.doOnNext(indexed -> observe(format, indexed))
                .reduceWith(() -> new Choices(choices, perInput), Choices::add)
                .map(state -> format.response(id, state.results(), state.usage()));
    }

    private List<ServerSentEvent<String>> chunks(IndexedEvent indexed, ResponseId id, ResponseFormat format,
                                                 Choices state) {
        int index = indexed.index();
        List<ServerSentEvent<String>> out = new ArrayList<>(2);
        List<LogprobEntry> prompt = Choices.promptLogprobsOf(indexed.event());
        if (state.open(index)) {
            format.opening(id, index, prompt).forEach(chunk -> out.add(data(chunk)));
        }
        // Before this event's piece, whose text offsets follow the prompt's tokens.
        state.addPrompt(index, prompt);
        observe(format, indexed);
        switch (indexed.event()) {
            case GenerationEvent.Delta delta -> {
                List<LogprobEntry> logprobs = orEmpty(delta.logprobs());
                if (!delta.text().isEmpty() || !logprobs.isEmpty()) {
                    Object chunk = format.chunk(id, new Piece(index, delta.text(), logprobs, state.textOffset(index), null));
                    if (chunk != null) {
                        out.add(data(chunk));
                    }
                }
            }
            case GenerationEvent.Completed done -> out.add(data(format.chunk(id, new Piece(index, done.text(),
                    orEmpty(done.logprobs()), state.textOffset(index), done.finishReason().wireName()))));
            case GenerationEvent.Failed failed -> throw new ApiException(failed.error());
            case GenerationEvent.Tokenized ignored -> {
            }
            case GenerationEvent.Detokenized ignored -> {
            }
            case GenerationEvent.Analysis ignored -> {
            }
        }
        state.add(indexed);
        return out;
    }

    private static void observe(ResponseFormat format, IndexedEvent indexed) {
        switch (indexed.event()) {
            case GenerationEvent.Delta delta -> format.observe(indexed.index(), delta.text(), delta.tokenIds());
            case GenerationEvent.Completed done -> format.observe(indexed.index(), done.text(), done.tokenIds());
            default -> {
            }
        }
    }

    private ServerSentEvent<String> data(Object chunk) {
        return raw(json.writeValueAsString(chunk));
    }

    private ServerSentEvent<String> errorEvent(ErrorInfo error) {
        return data(ApiErrorBody.of(error));
    }

    /**
     * Spring writes {@code data:} with no space; the leading space gives OpenAI's exact
     * {@code data: {json}} line, and every SSE parser drops that one space again.
     */
    private static ServerSentEvent<String> raw(String payload) {
        return ServerSentEvent.builder(" " + payload).build();
    }

    private static ErrorInfo errorOf(Throwable e) {
        return e instanceof ApiException api ? api.error()
                : ErrorInfo.internal("The server had an error while processing your request");
    }

    static List<LogprobEntry> orEmpty(List<LogprobEntry> logprobs) {
        return logprobs == null ? List.of() : logprobs;
    }
}
