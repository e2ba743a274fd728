package dev.llmplatform.gateway.support;

import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationRequest;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.gateway.generation.GenerationClient;
import dev.llmplatform.topics.Topics;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A generation back end without Kafka for controller slices: answers each request with
 * {@link Replies#scripted} (tokenizer requests with one token per character) and remembers what was asked, so tests can check nothing was
 * published for a rejected request. Scripts that send no last event never complete.
 */
public final class ScriptedGenerationClient implements GenerationClient {

    private final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    private final List<TokenizerRequest> tokenizerRequests = new CopyOnWriteArrayList<>();

    @Override
    public ReplyTo replyTo() {
        return new ReplyTo(Topics.GENERATION_EVENTS.name(), 0);
    }

    @Override
    public Flux<GenerationEvent> generate(GenerationRequest request) {
        return Flux.defer(() -> {
            requests.add(request);
            List<GenerationEvent> events = Replies.scripted(request);
            boolean ends = !events.isEmpty() && !(events.getLast() instanceof GenerationEvent.Delta);
            Flux<GenerationEvent> replies = Flux.fromIterable(events);
            return ends ? replies : replies.concatWith(Flux.never());
        });
    }

    /** Tokenize: one token per code point, its text the character; detokenize: code points back to text. */
    @Override
    public Mono<GenerationEvent> tokenizer(TokenizerRequest request, long deadlineEpochMs) {
        return Mono.fromSupplier(() -> {
            tokenizerRequests.add(request);
            return switch (request) {
                case TokenizerRequest.Tokenize t -> {
                    String text = t.prompt() != null ? t.prompt()
                            : t.messages().stream().map(m -> m.role() + ":" + m.content()).collect(Collectors.joining("|"));
                    List<Integer> ids = text.codePoints().boxed().toList();
                    yield new GenerationEvent.Tokenized(GenerationEvent.CURRENT_VERSION, t.requestId(), ids,
                            ids.stream().map(Character::toString).toList(), 64);
                }
                case TokenizerRequest.Detokenize d -> new GenerationEvent.Detokenized(GenerationEvent.CURRENT_VERSION,
                        d.requestId(), d.tokenIds().stream().map(Character::toString).collect(Collectors.joining()));
                case TokenizerRequest.Analysis a -> AnalysisReplies.scripted(a);
            };
        });
    }

    public List<TokenizerRequest> tokenizerRequests() {
        return tokenizerRequests;
    }

    public List<GenerationRequest> requests() {
        return requests;
    }

    public void clear() {
        requests.clear();
        tokenizerRequests.clear();
    }
}
