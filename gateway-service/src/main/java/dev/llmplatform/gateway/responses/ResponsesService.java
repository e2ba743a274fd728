package dev.llmplatform.gateway.responses;

import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.reasoning.ReasoningTracker;
import dev.llmplatform.gateway.responses.ResponsesEvents.StreamEvent;
import dev.llmplatform.gateway.responses.ResponsesProtocol.DeletedResponse;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ReasoningConfig;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponseBody;
import dev.llmplatform.gateway.responses.ResponsesProtocol.ResponsesRequest;
import dev.llmplatform.gateway.responses.ResponsesProtocol.TextBody;
import dev.llmplatform.gateway.responses.ResponsesRequestValidator.Checked;
import dev.llmplatform.gateway.security.ClientIdentity;
import dev.llmplatform.gateway.serving.Generation;
import dev.llmplatform.gateway.serving.GenerationInput;
import dev.llmplatform.gateway.serving.GenerationServing;
import dev.llmplatform.gateway.serving.IndexedEvent;
import dev.llmplatform.gateway.serving.ResponseId;
import dev.llmplatform.gateway.tools.ToolCallParsers;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serves {@code /v1/responses}: validates, prepends the stored conversation a
 * {@code previous_response_id} names, generates through {@link GenerationServing} (the messages are
 * rendered by the model's chat template as chat's are), and answers with the whole response or
 * OpenAI's named stream events; stores what it answered unless {@code "store": false}. A model with a
 * reasoning parser gets its think block as a {@code reasoning} output item before the message; with function
 * tools (chat's tool calling, {@link ResponseTools}) its calls are {@code function_call} items.
 */
@Service
public class ResponsesService {

    static final String ID_PREFIX = "resp_";

    private final GenerationServing serving;
    private final ResponsesRequestValidator validator;
    private final ResponseStore store;
    private final JsonMapper json;

    public ResponsesService(GenerationServing serving, ModelRegistry registry, GatewayProperties properties,
                            JsonMapper json) {
        this.serving = serving;
        this.validator = new ResponsesRequestValidator(registry);
        this.store = new ResponseStore(properties.responses().maxStored(), properties.responses().retention(),
                InstantSource.system());
        this.json = json;
    }

    /** @param timeoutHeader the client's {@code X-Request-Timeout}, or null */
    public Mono<ResponseEntity<?>> create(ResponsesRequest request, String timeoutHeader, ClientIdentity client) {
        return Mono.defer(() -> {
            String owner = owner(client);
            List<ChatMessage> history = request.previousResponseId() == null ? List.of()
                    : store.find(request.previousResponseId(), owner)
                    .orElseThrow(() -> notFound(request.previousResponseId(), "previous_response_id")).conversation();
            Checked checked = validator.validate(request, history);
            List<ChatMessage> messages = ResponsesRequestValidator.conversation(request.instructions(), history,
                    checked.input());
            Generation generation = serving.start(GenerationInput.ofMessages(request, checked.model(), messages,
                    checked.topLogprobs()).withTools(checked.tools().templateTools(), checked.enforced()),
                    ID_PREFIX, timeoutHeader);
            String parser = checked.model().reasoningParser();
            ResponseAssembler assembler = new ResponseAssembler(template(generation.id(), request),
                    request.wantsLogprobs(), ReasoningTracker.of(parser, checked.model().reasoningEndTokenId()),
                    parser != null, checked.tools().templateTools() == null ? null
                    : ToolCallParsers.resolve(checked.model().toolCallParser()));
            Runnable keep = () -> keep(request, assembler, concat(history, checked.input()), owner);
            Flux<GenerationEvent> events = generation.events().map(IndexedEvent::event);
            if (request.isStream()) {
                return Mono.just(ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                        .body(stream(events, assembler, keep)));
            }
            return whole(events, assembler, keep).map(ResponseEntity::ok);
        });
    }

    public Mono<ResponseBody> find(String id, ClientIdentity client) {
        return Mono.fromSupplier(() -> store.find(id, owner(client)).orElseThrow(() -> notFound(id, null)).body());
    }

    public Mono<DeletedResponse> delete(String id, ClientIdentity client) {
        return Mono.fromSupplier(() -> {
            if (!store.delete(id, owner(client))) {
                throw notFound(id, null);
            }
            return DeletedResponse.of(id);
        });
    }

    /** A failure before any output (a prompt over the context) errors the mono with its HTTP error. */
    private Mono<ResponseBody> whole(Flux<GenerationEvent> events, ResponseAssembler assembler, Runnable keep) {
        return events.doOnNext(event -> {
            if (event instanceof GenerationEvent.Failed failed) {
                throw new ApiException(failed.error());
            }
            assembler.accept(event);
        }).then(Mono.fromSupplier(() -> {
            if (assembler.result() == null) {
                throw new ApiException(new ErrorInfo(502, "server_error", "The generation ended without a result",
                        null, null));
            }
            keep.run();
            return assembler.result();
        }));
    }

    /**
     * Named events ({@code event: response.created} …), each {@code data: {json}}, without OpenAI's chat
     * {@code [DONE]} (the Responses stream ends with its last event). As chat's stream, the status line waits
     * for the first generation event: a request failed before any output is an HTTP error, a failure after
     * that is a {@code response.failed} event.
     */
    private Flux<ServerSentEvent<String>> stream(Flux<GenerationEvent> events, ResponseAssembler assembler,
                                                 Runnable keep) {
        return events.switchOnFirst((first, all) -> {
            if (first.hasValue() && first.get() instanceof GenerationEvent.Failed failed) {
                return Flux.error(new ApiException(failed.error()));
            }
            if (first.isOnError()) {
                return Flux.error(first.getThrowable());
            }
            Flux<StreamEvent> body = Flux.defer(() -> Flux.fromIterable(assembler.open()))
                    .concatWith(all.concatMapIterable(event -> {
                        List<StreamEvent> out = assembler.accept(event);
                        if (assembler.result() != null) {
                            keep.run();   // before the last event goes out, so a follow-up can name it at once
                        }
                        return out;
                    }))
                    .concatWith(Flux.defer(() -> assembler.result() != null ? Flux.empty()
                            : Flux.fromIterable(assembler.fail(new ErrorInfo(502, "server_error",
                            "The generation ended without a result", null, null)))))
                    .onErrorResume(e -> Flux.fromIterable(assembler.fail(errorOf(e))));
            return body.map(this::event);
        });
    }

    private void keep(ResponsesRequest request, ResponseAssembler assembler, List<ChatMessage> replayed, String owner) {
        if (!request.stores()) {
            return;
        }
        List<ChatMessage> conversation = new ArrayList<>(replayed);
        if (!assembler.text().isEmpty() || !assembler.calls().isEmpty()) {
            conversation.add(new ChatMessage("assistant", assembler.text(), assembler.calls(), null));
        }
        store.put(assembler.result(), conversation, owner);
    }

    /** Spring writes {@code event:} and {@code data:} with no space; the space gives OpenAI's exact lines. */
    private ServerSentEvent<String> event(StreamEvent event) {
        return ServerSentEvent.builder(" " + json.writeValueAsString(event)).event(" " + event.type()).build();
    }

    private static ResponseBody template(ResponseId id, ResponsesRequest r) {
        Object toolChoice = r.toolChoice() == null || r.toolChoice().isNull() ? "auto"
                : r.toolChoice().isString() ? r.toolChoice().asString() : r.toolChoice();
        return new ResponseBody(id.id(), ResponsesProtocol.OBJECT, id.created(), "in_progress", null, null,
                r.instructions(), r.maxOutputTokens(), id.model(), List.of(),
                !Boolean.FALSE.equals(r.parallelToolCalls()), r.previousResponseId(), new ReasoningConfig(null, null),
                r.stores(), r.temperature(), TextBody.PLAIN, toolChoice, ResponseTools.echo(r.tools()), r.topP(), r.topLogprobs(),
                "disabled", null, r.user(), r.metadata() == null ? Map.of() : r.metadata());
    }

    private static List<ChatMessage> concat(List<ChatMessage> first, List<ChatMessage> second) {
        List<ChatMessage> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** OpenAI's 404 for an unknown response id. */
    private static ApiException notFound(String id, String param) {
        return new ApiException(new ErrorInfo(404, "invalid_request_error", "Response with id '" + id + "' not found.",
                param, null));
    }

    private static ErrorInfo errorOf(Throwable e) {
        return e instanceof ApiException api ? api.error()
                : ErrorInfo.internal("The server had an error while processing your request");
    }

    /** With API keys on, a response belongs to its key; without, to anyone who can reach this instance. */
    private static String owner(ClientIdentity client) {
        return client != null && client.id().startsWith("key:") ? client.id() : null;
    }
}
