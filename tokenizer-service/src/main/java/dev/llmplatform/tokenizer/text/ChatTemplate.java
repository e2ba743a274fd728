package dev.llmplatform.tokenizer.text;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.llmplatform.contracts.ChatMessage;
import dev.llmplatform.contracts.Messages;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELResolver;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model's Jinja {@code chat_template} (from {@code tokenizer_config.json}), rendered with Jinjava
 * the way Hugging Face's {@code apply_chat_template} renders it: {@code trim_blocks} and
 * {@code lstrip_blocks} on; variables {@code messages} (maps with {@code role} and {@code content}),
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}; and the
 * {@code raise_exception(message)} function templates use to refuse a conversation. Jinjava
 * covers the other idioms of common templates ({@code loop}, {@code |trim}, {@code +} on strings,
 * {@code message['role']}, {@code messages[1:]}, {@code namespace}); Jinja2's trimming of
 * {@code {{-}}/{@code -}}} is switched on, Python's str/dict methods come from {@link PythonMethods},
 * and {@link JinjaSyntax} rewrites the two forms Jinjava cannot parse. Immutable and thread-safe.
 */
public final class ChatTemplate {

    /** The template cannot render these messages: its syntax, an unknown function, or a {@code raise_exception}. */
    public static final class RenderException extends RuntimeException {
        RenderException(String message) {
            super(message);
        }
    }

    /** What {@code raise_exception} throws; found again in the error's causes to recover its message. */
    private static final class Raised extends RuntimeException {
        Raised(String message) {
            super(message, null, false, false);
        }
    }

    /** Jinjava is thread-safe once configured; each render gets its own interpreter. */
    private static final Jinjava JINJA = createEngine();

    private final String source;
    /** {@link #source} as Jinjava is given it, rewritten once. */
    private final String jinjavaSource;
    private final String bosToken;
    private final String eosToken;

    /**
     * @param source   the Jinja template text
     * @param bosToken the tokenizer's {@code bos_token}, or null when it has none
     * @param eosToken the tokenizer's {@code eos_token}, or null when it has none
     */
    public ChatTemplate(String source, String bosToken, String eosToken) {
        this.source = Objects.requireNonNull(source, "source");
        this.jinjavaSource = JinjaSyntax.toJinjava(source);
        this.bosToken = bosToken;
        this.eosToken = eosToken;
    }

    /** ChatML, for a tokenizer that has ChatML's markers but declares no template of its own. */
    public static ChatTemplate chatMl(String bosToken, String eosToken) {
        return new ChatTemplate(SpecialTokens.CHATML_TEMPLATE, bosToken, eosToken);
    }

    public String source() {
        return source;
    }

    /**
     * The token that ends the assistant's turn, so generation stops there: {@code <|im_end|>} where
     * the template writes it (ChatML), else the tokenizer's {@code eos_token}.
     */
    public Optional<String> endOfTurnToken() {
        return source.contains(SpecialTokens.IM_END) ? Optional.of(SpecialTokens.IM_END) : Optional.ofNullable(eosToken);
    }

    /** The conversation as text, ending with the assistant's header when {@code addGenerationPrompt}. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, null);
    }

    /**
     * {@link #render(List, boolean)} with extra template variables, as Hugging Face's
     * {@code apply_chat_template(**kwargs)} and vLLM's {@code chat_template_kwargs} pass them (e.g.
     * {@code enable_thinking}); they cannot replace {@code messages}, {@code add_generation_prompt} or the tokens.
     *
     * @param kwargs variable name to JSON-like value (string, number, boolean, list, map), or null
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, Object> kwargs) {
        return render(messages, addGenerationPrompt, kwargs, null);
    }

    /**
     * {@link #render(List, boolean, Map)} with the function tools the model may call, as Hugging Face's
     * {@code apply_chat_template(tools=…)} passes them: the variable {@code tools} (OpenAI's
     * {@code {"type":"function","function":{…}}} objects), unset when null. Assistant turns carry {@code tool_calls}
     * ({@code {"id","type":"function","function":{"name","arguments"}}}, the arguments parsed into a mapping as vLLM
     * does, so a template's {@code tojson} writes them as JSON) and tool turns {@code tool_call_id}.
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, Object> kwargs,
                         List<Map<String, Object>> tools) {
        Map<String, Object> bindings = new HashMap<>();
        if (kwargs != null) {
            bindings.putAll(kwargs);
        }
        if (tools != null) {
            bindings.put("tools", tools);
        }
        bindings.put("messages", messages.stream().map(ChatTemplate::asMap).toList());
        bindings.put("add_generation_prompt", addGenerationPrompt);
        // Unset tokens render as "" (Jinja's undefined), as in Hugging Face.
        bindings.put("bos_token", bosToken == null ? "" : bosToken);
        bindings.put("eos_token", eosToken == null ? "" : eosToken);
        RenderResult result;
        try {
            result = JINJA.renderForResult(jinjavaSource, bindings);
        } catch (RuntimeException e) {
            throw new RenderException("cannot render the chat template: " + describe(e));
        }
        Optional<TemplateError> fatal = result.getErrors().stream()
                .filter(error -> error.getSeverity() == TemplateError.ErrorType.FATAL).findFirst();
        if (fatal.isPresent()) {
            throw new RenderException(messageOf(fatal.get()));
        }
        return result.getOutput();
    }

    /** Called by templates as {@code raise_exception('...')}; public because Jinjava invokes it by reflection. */
    public static String raiseException(String message) {
        throw new Raised(message);
    }

    private static Map<String, Object> asMap(ChatMessage message) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", message.role());
        map.put("content", message.content());
        if (message.toolCalls() != null) {
            map.put("tool_calls", message.toolCalls().stream().map(ChatTemplate::asMap).toList());
        }
        if (message.toolCallId() != null) {
            map.put("tool_call_id", message.toolCallId());
        }
        return map;
    }

    private static Map<String, Object> asMap(ChatMessage.ToolCall call) {
        Object arguments;
        try {
            arguments = Messages.mapper().readValue(call.arguments(), Object.class);
        } catch (RuntimeException e) {
            arguments = call.arguments();   // not JSON: the template gets the text as the model wrote it
        }
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.name());
        function.put("arguments", arguments);
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", call.id());
        map.put("type", "function");
        map.put("function", function);
        return map;
    }

    private static String messageOf(TemplateError error) {
        for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
            if (cause instanceof Raised raised) {
                return "the model's chat template refused the messages: " + raised.getMessage();
            }
        }
        return "cannot render the chat template: " + error.getMessage()
                + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : "");
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Python's str and dict methods first, then Jinjava's own resolution. */
    private static ELResolver resolvers() {
        CompositeELResolver resolvers = new CompositeELResolver();
        resolvers.add(new PythonMethods());
        resolvers.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        return resolvers;
    }

    private static Jinjava createEngine() {
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                // Jinja2's behaviour where Jinjava keeps its own by default: {{- and -}} trim (Llama 3's
                // templates depend on it), map literal keys are expressions, iterating a dict gives its keys.
                // Not "natural operator precedence": it reads `not x is defined` as `(not x) is defined`.
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .withElResolver(resolvers())
                .build());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
        return jinjava;
    }
}
