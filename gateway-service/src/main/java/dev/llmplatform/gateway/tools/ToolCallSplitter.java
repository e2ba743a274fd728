package dev.llmplatform.gateway.tools;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits one choice's generated text, as it streams, into content and function calls in a parser's format
 * ({@link ToolCallParsers}). Text outside calls is released at once except what may still be the start of the
 * format's opening marker; inside a call the name is released once it is read, then the arguments character by
 * character as they come, their end found by following the JSON structure (so nothing is held back and nothing is
 * lost: the fragments concatenated are the arguments as the model wrote them). A call whose object does not start
 * with {@code "name"} and then {@code "arguments"} (or {@code "parameters"}) is read whole when it closes; an object
 * that is no call is content. One per choice; not thread-safe.
 */
public final class ToolCallSplitter {

    /** What the text so far adds: content, the start of a call (its name), or a piece of a call's arguments. */
    public sealed interface Event permits Content, CallStart, Arguments {
    }

    public record Content(String text) implements Event {
    }

    /** @param index the call's position among this choice's calls, from 0 */
    public record CallStart(int index, String name) implements Event {
    }

    public record Arguments(int index, String fragment) implements Event {
    }

    private static final Pattern HEAD = Pattern.compile(
            "\\{\\s*\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,\\s*\"(?:arguments|parameters)\"\\s*:\\s*");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private enum State { START, TEXT, BETWEEN, HEAD, ARGUMENTS, TAIL, WHOLE }

    private final ToolCallParsers.Format format;
    private State state;
    private final StringBuilder held = new StringBuilder();
    private final JsonScanner scanner = new JsonScanner();
    private final List<Event> out = new ArrayList<>();
    private int calls;

    ToolCallSplitter(ToolCallParsers.Format format) {
        this.format = format;
        this.state = format.bareJsonAtStart() ? State.START : State.TEXT;
    }

    /** How many calls have started. */
    public int calls() {
        return calls;
    }

    /** Takes the next piece of generated text; returns what may be released now, in order. */
    public List<Event> accept(String delta) {
        for (int i = 0; i < delta.length(); i++) {
            step(delta.charAt(i));
        }
        return drain();
    }

    /** End of the output: what was held back, as content (a call cut short keeps what it released). */
    public List<Event> finish() {
        switch (state) {
            case START, TEXT, HEAD, WHOLE -> {
                if (!held.isEmpty() && !(calls > 0 && held.toString().isBlank())) {
                    content(held.toString());
                }
            }
            default -> {
            }
        }
        held.setLength(0);
        state = State.TEXT;
        return drain();
    }

    private void step(char c) {
        switch (state) {
            case START -> start(c);
            case TEXT -> text(c);
            case BETWEEN -> between(c);
            case HEAD -> head(c);
            case ARGUMENTS -> arguments(c);
            case TAIL -> tail(c);
            case WHOLE -> whole(c);
        }
    }

    /** A format whose call may be a bare JSON object: whitespace, then a {@code {} opens a call, else it is text. */
    private void start(char c) {
        if (Character.isWhitespace(c)) {
            held.append(c);
        } else if (c == '{') {
            held.setLength(0);
            openObject();
        } else {
            state = State.TEXT;
            String before = held.toString();
            held.setLength(0);
            replay(before + c);
        }
    }

    private void text(char c) {
        held.append(c);
        String open = format.open();
        if (endsWith(held, open)) {
            content(held.substring(0, held.length() - open.length()));
            held.setLength(0);
            state = State.BETWEEN;
            return;
        }
        int keep = longestSuffixPrefix(held, open);
        if (held.length() > keep) {
            content(held.substring(0, held.length() - keep));
            held.delete(0, held.length() - keep);
        }
    }

    /** Inside a block of calls, between them: separators and markers are skipped, a {@code {} opens a call. */
    private void between(char c) {
        held.append(c);
        String s = held.toString();
        if (s.equals("{")) {
            held.setLength(0);
            openObject();
        } else if (s.length() == 1 && (Character.isWhitespace(c) || format.separators().indexOf(c) >= 0)) {
            held.setLength(0);
        } else if (format.markers().contains(s)) {
            held.setLength(0);
        } else if (format.markers().stream().noneMatch(m -> m.startsWith(s))) {
            held.setLength(0);
            state = State.TEXT;
            replay(s);
        }
    }

    private void openObject() {
        state = State.HEAD;
        held.setLength(0);
        held.append('{');
        scanner.reset();
        scanner.feed('{');
    }

    private void head(char c) {
        if (!Character.isWhitespace(c)) {
            Matcher m = HEAD.matcher(held);
            if (m.matches()) {
                out.add(new CallStart(calls, unescape(m.group(1))));
                calls++;
                held.setLength(0);
                state = State.ARGUMENTS;
                scanner.reset();
                arguments(c);
                return;
            }
        }
        held.append(c);
        scanner.feed(c);
        Matcher m = HEAD.matcher(held);
        if (!m.matches() && !m.hitEnd()) {
            state = State.WHOLE;
            if (scanner.depth() == 0) {
                closeWhole();
            }
        }
    }

    /** The arguments value, released as it comes; it ends where its JSON value ends. */
    private void arguments(char c) {
        boolean started = scanner.started();
        if (started && scanner.depth() == 0 && !scanner.inString() && (c == ',' || c == '}')) {
            endArguments(c);
            return;
        }
        scanner.feed(c);
        out.add(new Arguments(calls - 1, String.valueOf(c)));
        if (scanner.depth() == 0 && !scanner.inString() && (c == '}' || c == ']' || c == '"')) {
            state = State.TAIL;
            scanner.reset();
            scanner.feed('{');
        }
    }

    private void endArguments(char c) {
        state = State.TAIL;
        scanner.reset();
        scanner.feed('{');
        tail(c);
    }

    /** After the arguments, to the end of the call's object (other keys are ignored). */
    private void tail(char c) {
        scanner.feed(c);
        if (scanner.depth() == 0) {
            state = State.BETWEEN;
        }
    }

    private void whole(char c) {
        held.append(c);
        scanner.feed(c);
        if (scanner.depth() == 0) {
            closeWhole();
        }
    }

    /** An object read whole: a call when it has a name and arguments (or parameters), else content. */
    private void closeWhole() {
        String text = held.toString();
        held.setLength(0);
        JsonNode node = null;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            // not JSON after all: content
        }
        JsonNode arguments = node == null ? null : node.has("arguments") ? node.get("arguments") : node.get("parameters");
        if (node != null && node.path("name").isString() && arguments != null) {
            out.add(new CallStart(calls, node.get("name").asString()));
            out.add(new Arguments(calls, arguments.toString()));
            calls++;
            state = State.BETWEEN;
        } else {
            content(text);
            state = State.TEXT;
        }
    }

    private void replay(String text) {
        for (int i = 0; i < text.length(); i++) {
            step(text.charAt(i));
        }
    }

    private void content(String text) {
        if (!text.isEmpty()) {
            out.add(new Content(text));
        }
    }

    /** The events since the last call, neighbours of the same kind merged. */
    private List<Event> drain() {
        List<Event> merged = new ArrayList<>();
        for (Event e : out) {
            Event last = merged.isEmpty() ? null : merged.getLast();
            if (e instanceof Content c && last instanceof Content l) {
                merged.set(merged.size() - 1, new Content(l.text() + c.text()));
            } else if (e instanceof Arguments a && last instanceof Arguments l && l.index() == a.index()) {
                merged.set(merged.size() - 1, new Arguments(a.index(), l.fragment() + a.fragment()));
            } else {
                merged.add(e);
            }
        }
        out.clear();
        return merged;
    }

    private static boolean endsWith(StringBuilder s, String suffix) {
        return !suffix.isEmpty() && s.length() >= suffix.length()
                && s.substring(s.length() - suffix.length()).equals(suffix);
    }

    /** Length of the longest end of {@code s} that begins {@code marker} (and is shorter than it). */
    private static int longestSuffixPrefix(StringBuilder s, String marker) {
        for (int k = Math.min(s.length(), marker.length() - 1); k > 0; k--) {
            if (marker.startsWith(s.substring(s.length() - k))) {
                return k;
            }
        }
        return 0;
    }

    private static String unescape(String jsonStringBody) {
        try {
            return JSON.readTree("\"" + jsonStringBody + "\"").asString();
        } catch (JacksonException e) {
            return jsonStringBody;
        }
    }

    /** Where a JSON text is: nesting depth, inside a string or not. */
    private static final class JsonScanner {
        private int depth;
        private boolean inString;
        private boolean escape;
        private boolean started;

        void reset() {
            depth = 0;
            inString = false;
            escape = false;
            started = false;
        }

        void feed(char c) {
            started = true;
            if (inString) {
                if (escape) {
                    escape = false;
                } else if (c == '\\') {
                    escape = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }

        int depth() {
            return depth;
        }

        boolean inString() {
            return inString;
        }

        boolean started() {
            return started;
        }
    }
}
