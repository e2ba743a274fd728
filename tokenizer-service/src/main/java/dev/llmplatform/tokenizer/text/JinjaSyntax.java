package dev.llmplatform.tokenizer.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the two Jinja2 forms that common chat templates use and Jinjava's parser rejects into
 * equivalents it accepts: a reversing slice {@code xs[::-1]} becomes {@code (xs|reverse|list)}, and a
 * {@code namespace(...)} keyword argument whose value is an expression gets parentheses
 * ({@code namespace(i=messages|length - 1)} parses as {@code (i=messages|length) - 1} otherwise).
 * Nothing else in the source changes.
 */
final class JinjaSyntax {

    private static final Pattern REVERSED = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)\\[::-1\\]");
    private static final Pattern NAMESPACE_CALL = Pattern.compile("\\bnamespace\\(");
    private static final Pattern KEYWORD = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=(?!=)(.*)$", Pattern.DOTALL);

    private JinjaSyntax() {
    }

    static String toJinjava(String source) {
        return namespaceArguments(REVERSED.matcher(source).replaceAll("($1|reverse|list)"));
    }

    private static String namespaceArguments(String source) {
        Matcher call = NAMESPACE_CALL.matcher(source);
        StringBuilder out = new StringBuilder(source.length() + 16);
        int copied = 0;
        while (call.find(copied)) {
            int open = call.end();
            int close = closingParenthesis(source, open);
            if (close < 0) {
                break;
            }
            out.append(source, copied, open);
            List<String> arguments = topLevelArguments(source.substring(open, close));
            for (int i = 0; i < arguments.size(); i++) {
                out.append(i == 0 ? "" : ",").append(parenthesized(arguments.get(i)));
            }
            out.append(')');
            copied = close + 1;
        }
        return out.append(source, copied, source.length()).toString();
    }

    private static String parenthesized(String argument) {
        Matcher keyword = KEYWORD.matcher(argument);
        if (!keyword.matches()) {
            return argument;
        }
        return keyword.group(1) + "=(" + keyword.group(2).strip() + ")";
    }

    /** Index of the ')' closing the call whose arguments start at {@code from}, skipping strings and nesting. */
    private static int closingParenthesis(String s, int from) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = s.indexOf(c, i + 1);
                if (i < 0) {
                    return -1;
                }
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return c == ')' ? i : -1;
                }
                depth--;
            }
        }
        return -1;
    }

    private static List<String> topLevelArguments(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = s.indexOf(c, i + 1);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (start < s.length() || !parts.isEmpty()) {
            parts.add(s.substring(start));
        }
        return parts;
    }
}
