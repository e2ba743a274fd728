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

    Regex EMPTY = new Seq(List.of());
}
