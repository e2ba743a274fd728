package dev.llmplatform.constraint;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The byte automaton agrees with java.util.regex (the oracle) on whole-string matches; choices; refusals. */
class RegexConstraintTest {

    private static final List<String> PATTERNS = List.of("[a-c]{2,4}x?", "(ab|a)*b", "\\d+(\\.\\d{1,2})?", "[^x]é+",
            "名前[^\\s]{0,3}", "(?:yes|no|maybe)", "\\w+@\\w+\\.com", "[\\u00e0-\\u00ff]+", ".{1,3}😀", "a|b|");
    private static final TokenVocabulary VOCAB = ToyVocabularies.byteLevel();

    @Provide
    Arbitrary<String> candidates() {
        return Arbitraries.strings().withChars("abcx.1é名前😀 @com").ofMaxLength(8);
    }

    @Property(tries = 400, seed = "20261206")
    void shouldMatchExactlyWhatJavaRegexMatches(@ForAll("candidates") String text, @ForAll @IntRange(min = 0, max = 9) int which) {
        String pattern = PATTERNS.get(which);
        ByteDfa dfa = Constraints.compile(Constraints.regex(pattern));
        assertThat(dfa.matches(text.getBytes(StandardCharsets.UTF_8)))
                .as("/%s/ on '%s'", pattern, text)
                .isEqualTo(Pattern.compile(pattern).matcher(text).matches());
    }

    @Property(tries = 100, seed = "20261206")
    void shouldGenerateOnlyMatchesOfTheRegexEvenAdversarially(@ForAll @IntRange(min = 0, max = 9) int which, @ForAll long seed) {
        String pattern = PATTERNS.get(which);
        TokenMasks masks = new TokenMasks(Constraints.compile(Constraints.regex(pattern)), VOCAB, new int[]{ToyVocabularies.EOS});
        String out = new String(ConstrainedWalk.generate(masks, ToyVocabularies.EOS, ConstrainedWalk.ADVERSARIAL, seed, 12),
                StandardCharsets.UTF_8);
        assertThat(Pattern.compile(pattern).matcher(out).matches()).as("/%s/ generated '%s'", pattern, out).isTrue();
    }

    @Property(tries = 300, seed = "20261206")
    void shouldMatchIntegersExactlyInsideTheirRange(@ForAll @LongRange(min = -3000, max = 3000) long lo,
                                                    @ForAll @LongRange(min = 0, max = 4000) long width,
                                                    @ForAll @LongRange(min = -8000, max = 8000) long n) {
        ByteDfa dfa = Constraints.compile(IntegerRanges.of(lo, lo + width));
        assertThat(dfa.matches(Long.toString(n).getBytes(StandardCharsets.US_ASCII))).isEqualTo(n >= lo && n <= lo + width);
        assertThat(dfa.matches(("0" + Math.abs(n)).getBytes(StandardCharsets.US_ASCII))).as("leading zero").isFalse();
    }

    @Property(tries = 200, seed = "20261206")
    void shouldEncodeCharacterClassesAsTheirUtf8Bytes(@ForAll @IntRange(min = 0, max = 0x10FFFF) int lo,
                                                      @ForAll @IntRange(min = 0, max = 70000) int width,
                                                      @ForAll @IntRange(min = 0, max = 0x10FFFF) int probe) {
        CodePoints set = CodePoints.range(lo, Math.min(CodePoints.MAX, lo + width));
        if (set.isEmpty()) {
            return;   // all surrogates
        }
        ByteDfa dfa = Constraints.compile(new Regex.Chars(set));
        int c = probe % 3 == 0 ? Math.min(CodePoints.MAX, lo + probe % (width + 1)) : probe;
        if (c >= 0xD800 && c <= 0xDFFF) {
            return;
        }
        assertThat(dfa.matches(Utf8Ranges.encode(c))).as("U+%X in %s", c, set).isEqualTo(set.contains(c));
    }

    @Test
    void shouldGenerateOneOfTheChoicesAndStopOnlyAfterAWholeOne() {
        TokenMasks masks = new TokenMasks(Constraints.compile(Constraints.choice(List.of("名前", "name", "nameless"))), VOCAB,
                new int[]{ToyVocabularies.EOS});
        for (long seed = 0; seed < 50; seed++) {
            String out = new String(ConstrainedWalk.generate(masks, ToyVocabularies.EOS, ConstrainedWalk.ADVERSARIAL, seed, 20),
                    StandardCharsets.UTF_8);
            assertThat(out).isIn("名前", "name", "nameless");
        }
    }

    @Test
    void shouldRefuseWhatIsNotARegularLanguageNamingTheConstruct() {
        assertThatThrownBy(() -> Constraints.regex("(a)\\1")).hasMessageContaining("\\1");
        assertThatThrownBy(() -> Constraints.regex("a(?=b)")).hasMessageContaining("lookaround");
        assertThatThrownBy(() -> Constraints.regex("\\bword")).hasMessageContaining("\\b");
        assertThatThrownBy(() -> Constraints.regex("a{2000}")).hasMessageContaining("2000");
        assertThatThrownBy(() -> Constraints.regex("(unclosed")).isInstanceOf(ConstraintException.class);
        assertThatThrownBy(() -> Constraints.compile(Constraints.regex("[^\\s\\S]"))).hasMessageContaining("no output");
    }
}
