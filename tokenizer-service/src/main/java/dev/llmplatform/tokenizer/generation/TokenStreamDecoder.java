package dev.llmplatform.tokenizer.generation;

import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;
import dev.llmplatform.tokenizer.text.HfTokenizer;
import dev.llmplatform.tokenizer.text.IncrementalDecoder;
import dev.llmplatform.tokenizer.text.ModelTokenizer;
import dev.llmplatform.tokenizer.text.TokenizerCache;

import java.util.List;
import java.util.Optional;

/**
 * Turns one token event into the caller's generation event, with no memory of earlier events
 * beyond the ids of streams it stopped. Generated text is decoded without special tokens, so
 * an end-of-sequence token never shows up as text. A non-streamed request ({@code decode.stream
 * == false}, e.g. a batch job) is answered with exactly one record: the engine sends it as one
 * last event, which becomes one {@code Completed} with the whole text, or one {@code Failed}; if it
 * has stop strings, the engine's earlier events are stop checks, answered with nothing or with a cancel.
 */
public final class TokenStreamDecoder {

    /** What to publish for one token event: nothing, a generation event, and maybe a cancel for the engine. */
    public record Output(Optional<GenerationEvent> event, Optional<ControlMessage.Cancel> cancel) {
        static final Output NONE = new Output(Optional.empty(), Optional.empty());

        static Output of(GenerationEvent event) {
            return new Output(Optional.of(event), Optional.empty());
        }
    }

    private final TokenizerCache tokenizers;
    private final StoppedRequests stopped;

    public TokenStreamDecoder(TokenizerCache tokenizers, StoppedRequests stopped) {
        this.tokenizers = tokenizers;
        this.stopped = stopped;
    }

    public Output decode(TokenEvent event) {
        String id = event.requestId();
        if (stopped.contains(id)) {
            return Output.NONE;
        }
        if (event.error() != null) {
            return Output.of(new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, id, event.error()));
        }
        DecodeContext decode = event.decode();
        boolean stopCheck = !decode.stream() && !event.isLast();
        if (stopCheck && decode.stop().isEmpty()) {
            return partialOfWholeRequest(id);
        }
        Optional<ModelTokenizer> model = tokenizers.get(decode.model(), decode.version());
        if (model.isEmpty()) {
            // A stop check says nothing: the request's last event reports the missing model once.
            return stopCheck ? Output.NONE : Output.of(new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, id,
                    ErrorInfo.internal("model " + decode.model() + ":" + decode.version() + " is no longer in the model store")));
        }
        HfTokenizer tokenizer = model.get().tokenizer();
        IncrementalDecoder.Step step = new IncrementalDecoder(ids -> tokenizer.decode(ids, true))
                .next(event.contextTokenIds(), event.tokenIds(), decode.stop(), event.isLast());
        if (stopCheck) {
            // The engine stops; its last event (every id, finish CANCELLED) becomes the caller's one
            // Completed, cut at the same stop string with finish reason stop. The id is not marked stopped,
            // or that last event would be dropped. A cancel per check until the engine stops is harmless.
            return step.stopped() ? new Output(Optional.empty(),
                    Optional.of(ControlMessage.Cancel.stopSequence(id, generatedThrough(event)))) : Output.NONE;
        }
        List<GenerationEvent.LogprobEntry> logprobs = logprobs(event.logprobs(), tokenizer);
        // The prompt's own token pieces (echo with logprobs): joined, they spell the prompt as the tokenizer saw it.
        List<GenerationEvent.LogprobEntry> promptLogprobs = logprobs(event.promptLogprobs(), tokenizer);
        if (step.stopped()) {
            stopped.add(id);
            var completed = completed(event, step.text(), logprobs, promptLogprobs, FinishReason.STOP,
                    step.stopSequence());
            // An engine that already finished has nothing left to cancel.
            return new Output(Optional.of(completed), event.isLast() ? Optional.empty()
                    : Optional.of(ControlMessage.Cancel.stopSequence(id, generatedThrough(event))));
        }
        if (event.isLast()) {
            return Output.of(completed(event, step.text(), logprobs, promptLogprobs, event.finishReason(), null));
        }
        if (step.text().isEmpty() && isEmpty(logprobs) && isEmpty(promptLogprobs)) {
            // Text held back (part of a character, a possible stop string) and nothing else to show: the gateway
            // would drop this Delta, so it is not published (a record fewer on the hot path). Usage stays right:
            // the Completed counts tokens from the event's offset, not from the Deltas before it.
            return Output.NONE;
        }
        return Output.of(new GenerationEvent.Delta(GenerationEvent.CURRENT_VERSION, id, step.text(),
                event.tokenIds(), logprobs, promptLogprobs, event.offset()));
    }

    /** Tokens generated up to the end of this event: where the engine may stop once a stop string is in them. */
    private static int generatedThrough(TokenEvent event) {
        return event.offset() + event.tokenIds().size();
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }

    /**
     * An engine that streamed a request asked for whole without stop strings (a faulty engine): its text
     * could not be one record, so the caller gets one {@code Failed}, the engine a cancel, and
     * later events of the request are dropped, rather than a Delta the caller never expects.
     */
    private Output partialOfWholeRequest(String id) {
        stopped.add(id);
        return new Output(Optional.of(new GenerationEvent.Failed(GenerationEvent.CURRENT_VERSION, id,
                ErrorInfo.internal("the engine streamed a request that asked for one result; retry it"))),
                Optional.of(ControlMessage.Cancel.of(id, ControlMessage.Reason.CLIENT)));
    }

    private static GenerationEvent.Completed completed(TokenEvent event, String text,
                                                       List<GenerationEvent.LogprobEntry> logprobs,
                                                       List<GenerationEvent.LogprobEntry> promptLogprobs,
                                                       FinishReason reason, String stopSequence) {
        Usage usage = event.usage() != null ? event.usage()
                : new Usage(event.decode().promptTokens(), event.offset() + event.tokenIds().size());
        return new GenerationEvent.Completed(GenerationEvent.CURRENT_VERSION, event.requestId(), text,
                event.tokenIds(), logprobs, reason, usage, event.timings(), promptLogprobs, stopSequence);
    }

    /**
     * One entry per token of the event, in order, each with the token's own text
     * ({@link HfTokenizer#tokenText}) and its alternatives' texts. Entries follow tokens, not the
     * event's text: a token whose text is held back (part of a UTF-8 character, a possible stop
     * string) or cut off by a stop string still has its entry here, in the event that carries
     * its id; a token holding part of a character shows U+FFFD as its text.
     */
    private static List<GenerationEvent.LogprobEntry> logprobs(List<TokenLogprob> logprobs, HfTokenizer tokenizer) {
        if (logprobs == null) {
            return null;
        }
        return logprobs.stream().map(lp -> new GenerationEvent.LogprobEntry(tokenizer.tokenText(lp.tokenId()),
                lp.tokenId(), lp.logprob(), lp.top().stream()
                .map(alt -> new GenerationEvent.LogprobEntry.Alternative(tokenizer.tokenText(alt.tokenId()),
                        alt.tokenId(), alt.logprob()))
                .toList())).toList();
    }
}
