package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.generation.GenerationClient;
import dev.llmplatform.gateway.limits.GenerationAdmission;
import dev.llmplatform.gateway.security.ApiKeys;
import dev.llmplatform.gateway.security.PriorityPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * What completions and chat share once a request is validated: a deadline, one generation request
 * per choice, admission of them all at once, the merged events, and the answer as one JSON body or
 * an SSE stream in the endpoint's {@link ResponseFormat}.
 */
@Service
public class GenerationServing {

    private static final Logger log = LoggerFactory.getLogger(GenerationServing.class);

    private final GenerationClient generation;
    private final GenerationAdmission admission;
    private final GenerationRequests requests;
    private final PriorityPolicy priorities;
    private final ResponseRenderer renderer;
    private final Duration maxTimeout;
    private final InstantSource clock = InstantSource.system();

    public GenerationServing(GenerationClient generation, GenerationAdmission admission, GatewayProperties properties,
                             JsonMapper json, PriorityPolicy priorities) {
        this.generation = generation;
        this.admission = admission;
        this.priorities = priorities;
        this.requests = new GenerationRequests(properties.maxTokensDefault(), properties.limits().maxTokensPerRequest(),
                properties.limits().tokensPerMinute());
        this.renderer = new ResponseRenderer(json);
        this.maxTimeout = properties.requestTimeout();
    }

    /**
     * A 200 with a JSON body or an event stream, or an error carrying its OpenAI error.
     *
     * @param idPrefix      {@code cmpl-} or {@code chatcmpl-}, as OpenAI's ids begin
     * @param timeoutHeader the client's {@value RequestTimeout#HEADER}, or null
     */
    public Mono<ResponseEntity<?>> serve(GenerationInput input, String idPrefix, String timeoutHeader,
                                         ResponseFormat format) {
        SamplingRequest request = input.request();
        Generation started = start(input, idPrefix, timeoutHeader);
        ResponseId id = started.id();
        int choices = started.choices();
        Flux<IndexedEvent> events = started.events();
        if (request.isStream()) {
            StreamTrace trace = StreamTrace.of(id.id());
            Flux<ServerSentEvent<String>> body = renderer.stream(trace == null ? events : trace.events(events), id,
                    choices, request.choices(), request.includeUsageInStream(), format);
            if (trace != null) {
                body = trace.body(body);
            }
            return Mono.just(ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(body));
        }
        return renderer.whole(events, id, choices, request.choices(), format).map(ResponseEntity::ok);
    }

    /**
     * The deadline, one generation request per choice and their admitted, merged events (nothing is
     * published before the events are subscribed), for an endpoint that writes its own event shapes
     * (the Responses API's named events) instead of a {@link ResponseFormat}.
     */
    public Generation start(GenerationInput input, String idPrefix, String timeoutHeader) {
        SamplingRequest request = input.request();
        Duration timeout = RequestTimeout.resolve(timeoutHeader, maxTimeout);
        long now = clock.millis();
        ResponseId id = new ResponseId(idPrefix + UUID.randomUUID().toString().replace("-", ""), now / 1000,
                input.model().name());
        if (request.user() != null && log.isDebugEnabled()) {
            // Who asked, for abuse tracing, without writing the end user's identifier into the logs.
            log.debug("{} for user {}", id.id(), ApiKeys.hash(request.user()).substring(0, 12));
        }
        int choices = input.inputCount() * request.choices();
        // Built when the events are subscribed, where the client (its key's priority limits) is known; admitted
        // (in-flight slots, token budget) then too, i.e. just before they are published. A priority below the
        // key's floor fails the events with a 400, before anything is published.
        Flux<IndexedEvent> events = Flux.deferContextual(context -> {
            int priority = priorities.resolve(request.priority(), context);
            List<GenerationRequest> published = requests.create(input, id, generation.replyTo(), now,
                    now + timeout.toMillis(), priority);
            return admission.admit(published, Flux.merge(IntStream.range(0, published.size())
                    .mapToObj(i -> generation.generate(published.get(i)).map(event -> new IndexedEvent(i, event)))
                    .toList()), GenerationServing::generatedTokens);
        });
        return new Generation(id, choices, events);
    }

    /** A choice's generated tokens, as its completion reports them (what the token budget is finally charged). */
    private static long generatedTokens(IndexedEvent indexed) {
        return indexed.event() instanceof GenerationEvent.Completed done && done.usage() != null
                ? done.usage().completionTokens() : 0;
    }
}
