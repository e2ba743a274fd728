package dev.llmplatform.gateway.tools;

import java.util.List;
import java.util.Locale;

/**
 * The tool-call parsers by vLLM's names: how a model writes a function call, for reading it back
 * ({@link ToolCallSplitter}) and for enforcing one ({@link ToolCalling#constraint}).
 *
 * <ul>
 *   <li>{@code hermes} (Hermes, Qwen2.5, Qwen3, the platform's ChatML template):
 *       {@code <tool_call>{"name": …, "arguments": {…}}</tool_call>}, one block per call.</li>
 *   <li>{@code llama3_json} (Llama 3.1+): a bare JSON object {@code {"name": …, "parameters": {…}}} at the start of
 *       the output (or after {@code <|python_tag|>}), several separated by {@code ;}.</li>
 *   <li>{@code mistral}: {@code [TOOL_CALLS]} then a JSON array of {@code {"name": …, "arguments": {…}}}.</li>
 * </ul>
 */
public final class ToolCallParsers {

    public static final String HERMES = "hermes";
    public static final String LLAMA3_JSON = "llama3_json";
    public static final String MISTRAL = "mistral";
    /** The parser of a model that names none: the platform's own template writes Hermes calls. */
    public static final String DEFAULT = HERMES;

    /**
     * How calls are written.
     *
     * @param open            the text that opens a block of calls
     * @param bareJsonAtStart a JSON object at the start of the output is a call too
     * @param markers         texts skipped between calls ({@code </tool_call>}, {@code <tool_call>})
     * @param separators      characters skipped between calls
     * @param argumentsKey    the key the arguments are written under when a call is enforced
     * @param before          what an enforced call's text starts with, up to its name
     * @param after           what an enforced call's text ends with, after its arguments
     * @param guardsAuto      under {@code tool_choice: auto} a call that starts is held to the tools' schemas: only
     *                        where {@code open} is plain text, which a constraint can follow; Llama 3's
     *                        {@code <|python_tag|>} and Mistral's {@code [TOOL_CALLS]} are special tokens in those
     *                        models' vocabularies, which a constraint never allows, so guarding would forbid calls
     */
    public record Format(String open, boolean bareJsonAtStart, List<String> markers, String separators,
                         String argumentsKey, String before, String after, boolean guardsAuto) {
    }

    private static final Format HERMES_FORMAT = new Format("<tool_call>", false,
            List.of("<tool_call>", "</tool_call>"), "", "arguments", "<tool_call>", "}</tool_call>", true);
    private static final Format LLAMA3_FORMAT = new Format("<|python_tag|>", true, List.of(), ";", "parameters", "", "}", false);
    private static final Format MISTRAL_FORMAT = new Format("[TOOL_CALLS]", false, List.of(), "[],", "arguments",
            "[TOOL_CALLS][", "}]", false);

    private ToolCallParsers() {
    }

    public static List<String> names() {
        return List.of(HERMES, LLAMA3_JSON, MISTRAL);
    }

    /** True for null or blank (the default) and for a known name. */
    public static boolean isKnown(String name) {
        return name == null || name.isBlank() || names().contains(normalise(name));
    }

    /** The parser's name as known here: null or blank is {@link #DEFAULT}; an unknown name → IllegalArgumentException. */
    public static String resolve(String name) {
        format(name);
        return name == null || name.isBlank() ? DEFAULT : normalise(name);
    }

    /** The format of a parser (null or blank: {@link #DEFAULT}); an unknown name → IllegalArgumentException. */
    public static Format format(String name) {
        String n = name == null || name.isBlank() ? DEFAULT : normalise(name);
        return switch (n) {
            case HERMES -> HERMES_FORMAT;
            case LLAMA3_JSON -> LLAMA3_FORMAT;
            case MISTRAL -> MISTRAL_FORMAT;
            default -> throw new IllegalArgumentException(
                    "unknown tool call parser '" + name + "'; known: " + String.join(", ", names()));
        };
    }

    /** A new splitter for one choice's output. */
    public static ToolCallSplitter splitter(String name) {
        return new ToolCallSplitter(format(name));
    }

    private static String normalise(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
