package dev.llmplatform.gateway.serving;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.GenerationEvent.LogprobEntry;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.serving.ResponseFormat.ChoiceResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the choices of one response have produced so far: text, logprobs, token counts, the last
 * event. Used by one subscriber at a time (the events of a response are serialised by the merge).
 */
final class Choices {

    private final Choice[] choices;
    private final int perInput;

    /** {@code count} choices in groups of {@code perInput} ({@code n}) that share one prompt each. */
    Choices(int count, int perInput) {
        choices = new Choice[count];
        for (int i = 0; i < count; i++) {
            choices[i] = new Choice();
        }
        this.perInput = perInput;
    }

    /** True the first time a choice is seen, so its opening chunks are sent once. */
    boolean open(int index) {
        Choice choice = choices[index];
        boolean first = !choice.opened;
        choice.opened = true;
        return first;
    }

    int textOffset(int index) {
        return choices[index].tokenTextLength;
    }

    /**
     * Records a choice's prompt logprobs, once (they come on its first event), so that its text
     * offsets continue after the prompt's token texts.
     */
    void addPrompt(int index, List<LogprobEntry> entries) {
        Choice choice = choices[index];
        if (choice.promptLogprobs == null && !entries.isEmpty()) {
            choice.promptLogprobs = entries;
            choice.tokenTextLength += codePoints(entries);
        }
    }

    /** The prompt logprobs an event carries, or an empty list. */
    static List<LogprobEntry> promptLogprobsOf(GenerationEvent event) {
        List<LogprobEntry> entries = switch (event) {
            case GenerationEvent.Delta delta -> delta.promptLogprobs();
            case GenerationEvent.Completed done -> done.promptLogprobs();
            default -> null;
        };
        return entries == null ? List.of() : entries;
    }

    Choices add(IndexedEvent indexed) {
        Choice choice = choices[indexed.index()];
        addPrompt(indexed.index(), promptLogprobsOf(indexed.event()));
        switch (indexed.event()) {
            case GenerationEvent.Delta delta -> choice.add(delta.text(), delta.tokenIds().size(), delta.logprobs());
            case GenerationEvent.Completed done -> {
                choice.add(done.text(), done.tokenIds().size(), done.logprobs());
                choice.completed = done;
            }
            case GenerationEvent.Failed failed -> throw new ApiException(failed.error());
            case GenerationEvent.Tokenized ignored -> {
            }
            case GenerationEvent.Detokenized ignored -> {
            }
            case GenerationEvent.Analysis ignored -> {
            }
        }
        return this;
    }

    List<ChoiceResult> results() {
        List<ChoiceResult> results = new ArrayList<>(choices.length);
        for (int i = 0; i < choices.length; i++) {
            Choice choice = choices[i];
            if (choice.completed == null) {
                throw new ApiException(new ErrorInfo(502, "server_error",
                        "The generation ended without a result", null, null));
            }
            results.add(new ChoiceResult(i, choice.text.toString(), choice.logprobs,
                    choice.completed.finishReason().wireName(),
                    choice.promptLogprobs == null ? List.of() : choice.promptLogprobs));
        }
        return results;
    }

    /** Each prompt counted once (its {@code n} choices share it, as OpenAI counts it); completions summed. */
    UsageBody usage() {
        int[] promptOf = new int[(choices.length + perInput - 1) / perInput];
        int completion = 0;
        for (int i = 0; i < choices.length; i++) {
            GenerationEvent.Completed done = choices[i].completed;
            if (done != null && done.usage() != null) {
                promptOf[i / perInput] = done.usage().promptTokens();
                completion += done.usage().completionTokens();
            } else {
                completion += choices[i].tokens;
            }
        }
        return UsageBody.of(Arrays.stream(promptOf).sum(), completion);
    }

    private static int codePoints(List<LogprobEntry> entries) {
        int length = 0;
        for (LogprobEntry entry : entries) {
            length += entry.token().codePointCount(0, entry.token().length());
        }
        return length;
    }

    private static final class Choice {
        private final StringBuilder text = new StringBuilder();
        private final List<LogprobEntry> logprobs = new ArrayList<>();
        private int tokens;
        private int tokenTextLength;
        private boolean opened;
        private List<LogprobEntry> promptLogprobs;
        private GenerationEvent.Completed completed;

        void add(String piece, int tokenCount, List<LogprobEntry> entries) {
            text.append(piece);
            tokens += tokenCount;
            if (entries != null) {
                logprobs.addAll(entries);
                tokenTextLength += codePoints(entries);
            }
        }
    }
}
