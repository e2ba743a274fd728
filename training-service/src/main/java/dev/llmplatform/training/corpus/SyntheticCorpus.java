package dev.llmplatform.training.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static dev.llmplatform.training.corpus.Lexicon.*;

/**
 * Seeded synthetic English whose next word can only be predicted well by attending across the
 * sentence or the document: who did what to whom (names stay consistent within a document),
 * subject-verb agreement past a distracting noun, pronouns resolved by gender, and Winograd-style
 * "it" whose referent depends on a later adjective ("The animal didn't cross the street because
 * it was too tired." then "The animal was tired.").
 *
 * <p>Document {@code i} depends only on (seed, i), so {@code documents(100)} is a prefix of
 * {@code documents(200)}. Held-out text is the same generator with another seed.
 */
public final class SyntheticCorpus {

    private static final int MIN_SENTENCE_GROUPS = 4;
    private static final int MAX_SENTENCE_GROUPS = 6;

    /** Writes one group of sentences about the document's cast. */
    @FunctionalInterface
    private interface Template {
        void write(SplittableRandom random, Cast cast, List<String> out);
    }

    /** Two men and two women per document, so "he"/"she" name exactly one person in a pair. */
    private record Cast(String man, String otherMan, String woman, String otherWoman) {
        static Cast draw(SplittableRandom random) {
            int[] men = twoDistinct(random, MEN.size());
            int[] women = twoDistinct(random, WOMEN.size());
            return new Cast(MEN.get(men[0]), MEN.get(men[1]), WOMEN.get(women[0]), WOMEN.get(women[1]));
        }

        String[] twoPeople(SplittableRandom random) {
            List<String> all = List.of(man, otherMan, woman, otherWoman);
            int[] pair = twoDistinct(random, all.size());
            return new String[] {all.get(pair[0]), all.get(pair[1])};
        }
    }

    private static final List<Template> TEMPLATES = List.of(
            SyntheticCorpus::giving,
            SyntheticCorpus::findingAndShowing,
            SyntheticCorpus::whoHasIt,
            SyntheticCorpus::meeting,
            SyntheticCorpus::genderedErrands,
            SyntheticCorpus::genderedThanks,
            SyntheticCorpus::agreementNear,
            SyntheticCorpus::agreementThatSaw,
            SyntheticCorpus::crossing,
            SyntheticCorpus::fitting,
            SyntheticCorpus::holding);

    private final long seed;

    public SyntheticCorpus(long seed) {
        this.seed = seed;
    }

    long seed() {
        return seed;
    }

    /** Held-out text: the same generator under a seed derived from this one. */
    public SyntheticCorpus heldOut() {
        return new SyntheticCorpus(mix(seed, -1));
    }

    public List<String> documents(int count) {
        return IntStream.range(0, count).mapToObj(this::document).toList();
    }

    public String document(int index) {
        SplittableRandom random = new SplittableRandom(mix(seed, index));
        Cast cast = Cast.draw(random);
        int groups = MIN_SENTENCE_GROUPS + random.nextInt(MAX_SENTENCE_GROUPS - MIN_SENTENCE_GROUPS + 1);
        List<String> sentences = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            TEMPLATES.get(random.nextInt(TEMPLATES.size())).write(random, cast, sentences);
        }
        return String.join(" ", sentences);
    }

    private static void giving(SplittableRandom r, Cast cast, List<String> out) {
        String[] p = cast.twoPeople(r);
        String thing = pick(r, THINGS);
        out.add(p[0] + " gave the " + thing + " to " + p[1] + ".");
        out.add("Now " + p[1] + " has the " + thing + ".");
    }

    private static void findingAndShowing(SplittableRandom r, Cast cast, List<String> out) {
        String[] p = cast.twoPeople(r);
        String thing = pick(r, THINGS);
        out.add(p[0] + " found a " + thing + " in the " + pick(r, PLACES) + ".");
        out.add(p[0] + " showed the " + thing + " to " + p[1] + ".");
    }

    private static void whoHasIt(SplittableRandom r, Cast cast, List<String> out) {
        String[] p = cast.twoPeople(r);
        String thing = pick(r, THINGS);
        out.add(p[0] + " gave the " + thing + " to " + p[1] + ".");
        out.add("Who gave the " + thing + " to " + p[1] + "? " + p[0] + " did.");
    }

    private static void meeting(SplittableRandom r, Cast cast, List<String> out) {
        String[] p = cast.twoPeople(r);
        String place = pick(r, PLACES);
        out.add(p[0] + " met " + p[1] + " at the " + place + ".");
        out.add(p[1] + " was happy to see " + p[0] + " at the " + place + ".");
    }

    /** "He brought a ball and she brought a cup. Anna had the cup." */
    private static void genderedErrands(SplittableRandom r, Cast cast, List<String> out) {
        String man = r.nextBoolean() ? cast.man() : cast.otherMan();
        String woman = r.nextBoolean() ? cast.woman() : cast.otherWoman();
        int[] things = twoDistinct(r, THINGS.size());
        String his = THINGS.get(things[0]);
        String hers = THINGS.get(things[1]);
        out.add(r.nextBoolean()
                ? man + " and " + woman + " went to the " + pick(r, PLACES) + "."
                : woman + " and " + man + " went to the " + pick(r, PLACES) + ".");
        out.add(r.nextBoolean()
                ? "He brought a " + his + " and she brought a " + hers + "."
                : "She brought a " + hers + " and he brought a " + his + ".");
        out.add(r.nextBoolean() ? man + " had the " + his + "." : woman + " had the " + hers + ".");
    }

    /** "Anna thanked Tom because he found her key. Tom found the key." */
    private static void genderedThanks(SplittableRandom r, Cast cast, List<String> out) {
        boolean womanThanks = r.nextBoolean();
        String man = r.nextBoolean() ? cast.man() : cast.otherMan();
        String woman = r.nextBoolean() ? cast.woman() : cast.otherWoman();
        String thing = pick(r, THINGS);
        String helper = womanThanks ? man : woman;
        String thanker = womanThanks ? woman : man;
        out.add(thanker + " thanked " + helper + " because " + (womanThanks ? "he found her " : "she found his ")
                + thing + ".");
        out.add(helper + " found the " + thing + ".");
    }

    /** The verb agrees with the first noun, not with the nearer one. */
    private static void agreementNear(SplittableRandom r, Cast cast, List<String> out) {
        boolean plural = r.nextBoolean();
        boolean past = r.nextBoolean();
        String verb = past ? (plural ? "were" : "was") : (plural ? "are" : "is");
        out.add("The " + animal(r, plural) + " near the " + animal(r, r.nextBoolean()) + " " + verb + " "
                + pick(r, MOODS) + ".");
    }

    private static void agreementThatSaw(SplittableRandom r, Cast cast, List<String> out) {
        boolean plural = r.nextBoolean();
        out.add("The " + animal(r, plural) + " that saw the " + animal(r, r.nextBoolean()) + " "
                + (plural ? "run " : "runs ") + pick(r, PLACES_TO_RUN) + ".");
    }

    /** Tired, scared, slow, weak belong to the walker; wide, busy, long, icy to the crossing. */
    private static void crossing(SplittableRandom r, Cast cast, List<String> out) {
        String walker = pick(r, WALKERS);
        String crossing = pick(r, CROSSINGS);
        boolean walkerIsIt = r.nextBoolean();
        String state = walkerIsIt ? pick(r, WALKER_STATES) : pick(r, CROSSING_STATES);
        out.add("The " + walker + " didn't cross the " + crossing + " because it was too " + state + ".");
        out.add("The " + (walkerIsIt ? walker : crossing) + " was " + state + ".");
    }

    /** Big belongs to the item, small to the container. */
    private static void fitting(SplittableRandom r, Cast cast, List<String> out) {
        String item = pick(r, ITEMS);
        String container = pick(r, CONTAINERS);
        boolean big = r.nextBoolean();
        out.add("The " + item + " didn't fit in the " + container + " because it was too " + (big ? "big" : "small") + ".");
        out.add("The " + (big ? item : container) + " was too " + (big ? "big" : "small") + ".");
    }

    /** The same pair seen from the container: small still belongs to the container. */
    private static void holding(SplittableRandom r, Cast cast, List<String> out) {
        String item = pick(r, ITEMS);
        String container = pick(r, CONTAINERS);
        boolean small = r.nextBoolean();
        out.add("The " + container + " couldn't hold the " + item + " because it was too " + (small ? "small" : "big") + ".");
        out.add("The " + (small ? container : item) + " was too " + (small ? "small" : "big") + ".");
    }

    private static String animal(SplittableRandom r, boolean plural) {
        int i = r.nextInt(ANIMALS.size());
        return plural ? ANIMALS_PLURAL.get(i) : ANIMALS.get(i);
    }

    private static String pick(SplittableRandom r, List<String> words) {
        return words.get(r.nextInt(words.size()));
    }

    private static int[] twoDistinct(SplittableRandom r, int size) {
        int first = r.nextInt(size);
        int second = (first + 1 + r.nextInt(size - 1)) % size;
        return new int[] {first, second};
    }

    /** A well-spread seed for document {@code index} (SplitMix64 finaliser). */
    static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
