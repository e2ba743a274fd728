package dev.llmplatform.constraint;

import java.util.List;

/** A parsed regular expression over code points: what {@link RegexParser} makes and {@link Nfa} compiles. */
public sealed interface Regex {

    /** One character out of a set (an empty set matches nothing). */
    record Chars(CodePoints set) implements Regex {
    }

    /** Each part in turn; no parts matches the empty string. */
    record Seq(List<Regex> parts) implements Regex {
    }

    /** Any one of the alternatives; none matches nothing. */
    record Alt(List<Regex> options) implements Regex {
    }

    /** {@code min} to {@code max} repetitions; {@code max} {@link #UNBOUNDED} for no limit. */
    record Repeat(Regex body, int min, int max) implements Regex {
        public static final int UNBOUNDED = -1;
    }

    /**
     * {@code min}..{@code max} items ({@code max} may be {@link Repeat#UNBOUNDED}) with a separator between them:
     * the automaton holds one copy of an unbounded list's item, where a regex would need two.
     */
    record Separated(Regex item, Regex separator, int min, int max) implements Regex {
    }

    /**
     * An object's members in order, separated by commas, the optional ones left out or not: each member is
     * built once (a regex needs a copy per combination of the ones before it).
     */
    record Members(List<Regex> members, List<Boolean> required) implements Regex {
    }

    /**
     * Any text (valid UTF-8, any length) in which the ASCII {@code literal} does not occur: the free text of an
     * answer that may open a tool call with {@code literal}. Built as the literal's Knuth–Morris–Pratt automaton, so
     * once the literal is complete this part is over and only what follows it stays alive (a regex would need a
     * complement operator).
     */
    record Avoiding(String literal) implements Regex {
        /** Longest literal: the automaton holds one state per character of it. */
        public static final int MAX_LENGTH = 64;

        public Avoiding {
            if (literal == null || literal.isEmpty() || literal.length() > MAX_LENGTH
                    || !literal.chars().allMatch(c -> c < 0x80)) {
                throw new ConstraintException("a trigger must be 1 to " + MAX_LENGTH + " ASCII characters, got '"
                        + literal + "'");
            }
        }
    }

    Regex EMPTY = new Seq(List.of());
}
