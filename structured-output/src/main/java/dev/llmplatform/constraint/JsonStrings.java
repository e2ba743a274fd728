package dev.llmplatform.constraint;

import tools.jackson.databind.JsonNode;

/**
 * A string schema as the {@link Regex} of its JSON form: {@code format} (when generated) or {@code pattern}
 * (the whole string matches it; only characters that need no escaping, so the pattern sees exactly what
 * was written) or any contents, with {@code minLength}/{@code maxLength} counted in characters (an escape
 * is one character). A pattern or format together with a length bound is refused: the automaton has no
 * intersection.
 */
final class JsonStrings {

    private JsonStrings() {
    }

    static Regex of(JsonNode s) {
        boolean lengths = s.has("minLength") || s.has("maxLength");
        if (s.has("format")) {
            Regex format = JsonGrammar.format(s.get("format").asString());
            if (format != null) {
                if (lengths || s.has("pattern")) {
                    throw new ConstraintException("JSON schema keyword 'format' is supported without 'pattern', "
                            + "'minLength' or 'maxLength' beside it");
                }
                return JsonGrammar.quoted(format);
            }
        }
        if (s.has("pattern")) {
            if (lengths) {
                throw new ConstraintException("JSON schema keyword 'pattern' is supported without 'minLength' or "
                        + "'maxLength' beside it");
            }
            Regex pattern;
            try {
                pattern = RegexParser.parse(s.get("pattern").asString(), JsonGrammar.STRING_CHARS);
            } catch (ConstraintException e) {
                throw new ConstraintException("JSON schema keyword 'pattern': " + e.getMessage());
            }
            return JsonGrammar.quoted(pattern);
        }
        int min = s.path("minLength").asInt(0);
        if (min > RegexParser.MAX_COUNT) {
            throw new ConstraintException("JSON schema keyword 'minLength' " + min + " is over the limit of "
                    + RegexParser.MAX_COUNT);
        }
        int max = s.has("maxLength") ? Math.min(s.get("maxLength").asInt(), RegexParser.MAX_COUNT) : Regex.Repeat.UNBOUNDED;
        if (max != Regex.Repeat.UNBOUNDED && max < min) {
            return null;
        }
        return JsonGrammar.quoted(JsonGrammar.repeat(JsonGrammar.STRING_CHAR, min, max));
    }
}
