package dev.llmplatform.training.corpus;

import dev.llmplatform.training.testing.WordTokens;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticCorpusTest {

    private static final Pattern CROSSING = Pattern.compile(
            "The (\\w+) didn't cross the (\\w+) because it was too (\\w+)\\. The (\\w+) was (\\w+)\\.");
    private static final Pattern AGREEMENT = Pattern.compile("The (\\w+) near the \\w+ (is|are|was|were) ");

    @Test
    void shouldBeDeterministicForASeedAndDifferForAnother() {
        List<String> first = new SyntheticCorpus(42).documents(50);

        assertThat(new SyntheticCorpus(42).documents(50)).isEqualTo(first);
        assertThat(new SyntheticCorpus(42).documents(80).subList(0, 50)).isEqualTo(first);
        assertThat(new SyntheticCorpus(43).documents(50)).doesNotContainAnyElementsOf(first);
        assertThat(new SyntheticCorpus(42).heldOut().documents(50)).doesNotContainAnyElementsOf(first)
                .isEqualTo(new SyntheticCorpus(42).heldOut().documents(50));
    }

    @Test
    void shouldUseASmallVocabulary() {
        WordTokens vocabulary = WordTokens.of(new SyntheticCorpus(1).documents(2000));

        assertThat(vocabulary.size()).isBetween(80, 200);
    }

    /** "because it was too tired" names the walker next; "too wide" names the crossing. */
    @Test
    void shouldResolveItByTheAdjectiveThatFollows() {
        Set<String> walkerStates = Set.copyOf(Lexicon.WALKER_STATES);
        Set<Boolean> referentsSeen = new HashSet<>();
        int checked = 0;
        for (String document : new SyntheticCorpus(5).documents(500)) {
            Matcher m = CROSSING.matcher(document);
            while (m.find()) {
                boolean walkerIsIt = walkerStates.contains(m.group(3));
                assertThat(m.group(4)).isEqualTo(walkerIsIt ? m.group(1) : m.group(2));
                assertThat(m.group(5)).isEqualTo(m.group(3));
                referentsSeen.add(walkerIsIt);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(50);
        assertThat(referentsSeen).containsExactlyInAnyOrder(true, false);
    }

    @Test
    void shouldMakeTheVerbAgreeWithTheFirstNoun() {
        int checked = 0;
        for (String document : new SyntheticCorpus(6).documents(500)) {
            Matcher m = AGREEMENT.matcher(document);
            while (m.find()) {
                boolean plural = Lexicon.ANIMALS_PLURAL.contains(m.group(1));
                assertThat(m.group(2)).isIn(plural ? List.of("are", "were") : List.of("is", "was"));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(50);
    }

    @Test
    void shouldKeepTheCastOfADocumentToFourNames() {
        Set<String> names = new HashSet<>(Lexicon.MEN);
        names.addAll(Lexicon.WOMEN);
        for (String document : new SyntheticCorpus(7).documents(200)) {
            Set<String> used = new HashSet<>(WordTokens.split(document));
            used.retainAll(names);
            assertThat(used.size()).isLessThanOrEqualTo(4);
        }
    }
}
