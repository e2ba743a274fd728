package dev.llmplatform.gateway.reasoning;

import java.util.List;
import java.util.Locale;

/**
 * The reasoning parsers by name, with vLLM's names.
 *
 * <ul>
 *   <li>{@code deepseek_r1}: the model always thinks and its template ends the prompt with {@code <think>\n}, so
 *       everything before {@code </think>} is reasoning (an opening {@code <think>} the model writes anyway is
 *       dropped); no closing tag, all reasoning.</li>
 *   <li>{@code qwen3}: reasoning only when the output opens with {@code <think>} (or the template opened the block);
 *       with thinking disabled the template writes an empty block into the prompt and the output is all answer.</li>
 * </ul>
 *
 * <p>The chat endpoints pass {@code thinkingStartedByTemplate = false}: a model whose template opens the block itself
 * and always thinks (Qwen3-*-Thinking-2507, QwQ) takes {@code deepseek_r1}, as vLLM's recipes for them say.
 */
public final class ReasoningParsers {

    public static final String DEEPSEEK_R1 = "deepseek_r1";
    public static final String QWEN3 = "qwen3";
    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    private ReasoningParsers() {
    }

    /** The parser names known here. */
    public static List<String> names() {
        return List.of(DEEPSEEK_R1, QWEN3);
    }

    /** True for null or blank (no parser) and for a known name. */
    public static boolean isKnown(String parserName) {
        return parserName == null || parserName.isBlank() || names().contains(normalise(parserName));
    }

    /**
     * The splitter for a model's parser name (null/"" → everything is content); unknown name →
     * IllegalArgumentException. {@code thinkingStartedByTemplate}: the rendered prompt already opened the think
     * block, so the output starts inside it.
     */
    public static ReasoningSplitter create(String parserName, boolean thinkingStartedByTemplate) {
        if (parserName == null || parserName.isBlank()) {
            return new ContentOnlySplitter();
        }
        return switch (normalise(parserName)) {
            case DEEPSEEK_R1 -> new ThinkTagSplitter(OPEN, CLOSE, true);
            case QWEN3 -> new ThinkTagSplitter(OPEN, CLOSE, thinkingStartedByTemplate);
            default -> throw new IllegalArgumentException(
                    "unknown reasoning parser '" + parserName + "'; known: " + String.join(", ", names()));
        };
    }

    /** The text that closes a parser's think block ({@code </think>}); unknown name → IllegalArgumentException. */
    public static String endTag(String parserName) {
        create(parserName, false);
        return CLOSE;
    }

    private static String normalise(String parserName) {
        return parserName.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
