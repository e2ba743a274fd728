package dev.llmplatform.tokenizer.text;

import java.util.Arrays;
import java.util.List;

/**
 * Stateless streaming detokenization. A token event carries the new token ids and the few
 * generated ids just before them (its context), so any instance can turn any event into text:
 * <ul>
 *   <li>{@code s1 = decode(context)}, {@code s2 = decode(context + new)};</li>
 *   <li>emitted(text) drops a trailing incomplete UTF-8 character (the U+FFFD a decoder makes of
 *       partial bytes) and holds back any suffix that is a proper prefix of a stop string;</li>
 *   <li>the delta is emitted(s2) minus emitted(s1): what the previous event already sent is
 *       exactly emitted(s1), whatever instance sent it;</li>
 *   <li>a stop string that ends beyond emitted(s1) cuts the text where it starts (the stop string
 *       itself is never sent, as in OpenAI's API) and ends the stream;</li>
 *   <li>the last event flushes what was held back.</li>
 * </ul>
 * Only the tail of the text matters to these rules, which is why a short context suffices
 * (see {@link #contextTokensFor(List)}).
 *
 * <p>Byte-fallback tokenizers (Llama 2, Mistral, TinyLlama: {@code <0xE4>}-style byte tokens) decode a
 * whole run of byte tokens as one U+FFFD per byte when the run ends in an incomplete character, so a
 * character already complete turns back into U+FFFD when the next byte token arrives, and a context
 * that starts inside a character spoils the characters after it in the same run. So the text of a
 * token list is taken at token granularity: up to 3 trailing tokens are held back while the decode
 * ends in U+FFFD, and up to 3 leading context tokens are skipped while it starts with one (both
 * decodes of an event start at the same token, so their difference is the new text).
 */
public final class IncrementalDecoder {

    /** Turns token ids into text; byte-level decoders write U+FFFD for incomplete UTF-8. */
    @FunctionalInterface
    public interface TextDecoder {
        String decode(int[] ids);
    }

    /**
     * New text for the caller, and the stop string that ended the stream (null while none has).
     */
    public record Step(String text, String stopSequence) {

        /** Whether a stop string ended the stream. */
        public boolean stopped() {
            return stopSequence != null;
        }
    }

    private static final char REPLACEMENT = '\uFFFD';
    /** A UTF-8 character has at most 3 bytes before its last; byte-fallback decoders write one U+FFFD per byte. */
    private static final int MAX_INCOMPLETE_CHARS = 3;

    private final TextDecoder decoder;

    public IncrementalDecoder(TextDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * How many preceding generated tokens each token event must carry. A byte-level token may
     * hold a single byte and a character up to 4, so a stop string of n characters can span 4n
     * tokens; 8 more cover the partial character at the context's start and the one held back
     * at its end.
     */
    public static int contextTokensFor(List<String> stops) {
        int longest = stops.stream().mapToInt(String::length).max().orElse(0);
        return Math.max(8, 4 * longest + 8);
    }

    /**
     * @param context   generated ids just before {@code tokens} (empty at the start of a generation)
     * @param tokens    the new ids
     * @param stops     stop strings (empty ones are ignored)
     * @param last      true on the event that ends the generation: flush held-back text
     */
    public Step next(List<Integer> context, List<Integer> tokens, List<String> stops, boolean last) {
        List<String> activeStops = stops.stream().filter(s -> !s.isEmpty()).toList();
        // Skip context tokens that start inside a character (at most 3), judged on the context's complete text
        // (an incomplete character at its end, or a whole context that is one, does not count): both decodes
        // then start clean at the same token.
        int start = 0;
        String sentText = completeText(toArray(context, 0, List.of()));
        while (start < Math.min(MAX_INCOMPLETE_CHARS, context.size()) && startsBroken(sentText)) {
            start++;
            sentText = completeText(toArray(context, start, List.of()));
        }
        String complete = completeText(toArray(context, start, tokens));
        String sent = holdBackStopPrefix(sentText, activeStops);
        String stop = earliestStop(complete, activeStops, sent.length());
        if (stop != null) {
            return new Step(delta(sent, complete.substring(0, stopAt(complete, stop, sent.length()))), stop);
        }
        return new Step(delta(sent, last ? complete : holdBackStopPrefix(complete, activeStops)), null);
    }

    private static boolean startsBroken(String text) {
        return !text.isEmpty() && text.charAt(0) == REPLACEMENT;
    }

    /**
     * The text of {@code ids} up to its last complete character: while the
     * decode ends in U+FFFD, the last tokens (at most 3) are left out; failing that, the trailing U+FFFDs.
     */
    private String completeText(int[] ids) {
        String text = ids.length == 0 ? "" : decoder.decode(ids);
        if (text.isEmpty() || text.charAt(text.length() - 1) != REPLACEMENT) {
            return text;
        }
        for (int drop = 1; drop <= Math.min(MAX_INCOMPLETE_CHARS, ids.length); drop++) {
            String shorter = drop == ids.length ? "" : decoder.decode(Arrays.copyOf(ids, ids.length - drop));
            if (shorter.isEmpty() || shorter.charAt(shorter.length() - 1) != REPLACEMENT) {
                return shorter;
            }
        }
        return withoutIncompleteTail(text);
    }

    /** The part of {@code text} safe to show: complete characters that cannot start a stop string. */
    static String emitted(String text, List<String> stops) {
        return holdBackStopPrefix(withoutIncompleteTail(text), stops);
    }

    static String withoutIncompleteTail(String text) {
        int end = text.length();
        while (end > 0 && text.length() - end < MAX_INCOMPLETE_CHARS && text.charAt(end - 1) == REPLACEMENT) {
            end--;
        }
        return text.substring(0, end);
    }

    static String holdBackStopPrefix(String text, List<String> stops) {
        int held = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, text.length()); k > held; k--) {
                if (text.regionMatches(text.length() - k, stop, 0, k)) {
                    held = k;
                    break;
                }
            }
        }
        return text.substring(0, text.length() - held);
    }

    /** The stop string that starts earliest among those ending after {@code sentLength}, or null. */
    private static String earliestStop(String text, List<String> stops, int sentLength) {
        String earliest = null;
        int earliestAt = -1;
        for (String stop : stops) {
            int at = stopAt(text, stop, sentLength);
            if (at >= 0 && (earliestAt < 0 || at < earliestAt)) {
                earliest = stop;
                earliestAt = at;
            }
        }
        return earliest;
    }

    /** Where {@code stop} starts in {@code text}, ending after {@code sentLength}, or -1. */
    private static int stopAt(String text, String stop, int sentLength) {
        return text.indexOf(stop, Math.max(0, sentLength - stop.length() + 1));
    }

    /**
     * {@code now} minus the already-sent {@code sent}. When {@code sent} is not a prefix (a decoder
     * that rewrites earlier text, such as one cleaning up spaces), only what differs is sent.
     */
    private static String delta(String sent, String now) {
        if (now.startsWith(sent)) {
            return now.substring(sent.length());
        }
        int common = 0;
        int limit = Math.min(sent.length(), now.length());
        while (common < limit && sent.charAt(common) == now.charAt(common)) {
            common++;
        }
        if (common > 0 && Character.isHighSurrogate(now.charAt(common - 1))) {
            common--;
        }
        return now.substring(common);
    }

    private static int[] toArray(List<Integer> first, int from, List<Integer> second) {
        int[] ids = new int[first.size() - from + second.size()];
        int i = 0;
        for (int id : first.subList(from, first.size())) {
            ids[i++] = id;
        }
        for (int id : second) {
            ids[i++] = id;
        }
        return ids;
    }
}
