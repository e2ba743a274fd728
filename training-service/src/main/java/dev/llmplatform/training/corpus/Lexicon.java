package dev.llmplatform.training.corpus;

import java.util.List;

/**
 * Word lists of the synthetic corpus. Small on purpose: a tiny model sees every word often, so
 * what is left to learn is which earlier word decides the next one.
 */
final class Lexicon {

    static final List<String> MEN = List.of("Tom", "Sam", "Max", "Ben", "Leo", "Jack");
    static final List<String> WOMEN = List.of("Anna", "Mia", "Lily", "Emma", "Zoe", "Kate");
    static final List<String> THINGS = List.of("book", "ball", "apple", "key", "cup", "letter", "coin", "hat");
    static final List<String> PLACES = List.of("park", "school", "market", "garden", "library", "beach");

    /** Singular and plural of the same animal share an index. */
    static final List<String> ANIMALS = List.of("dog", "cat", "bird", "horse", "fox", "rabbit");
    static final List<String> ANIMALS_PLURAL = List.of("dogs", "cats", "birds", "horses", "foxes", "rabbits");
    static final List<String> MOODS = List.of("happy", "hungry", "sleepy", "loud", "calm");
    static final List<String> PLACES_TO_RUN = List.of("home", "away", "outside");

    /** "The animal didn't cross the street because it was too tired / wide." */
    static final List<String> WALKERS = List.of("animal", "dog", "horse", "cow", "sheep", "goat");
    static final List<String> WALKER_STATES = List.of("tired", "scared", "slow", "weak");
    static final List<String> CROSSINGS = List.of("street", "river", "road", "bridge");
    static final List<String> CROSSING_STATES = List.of("wide", "busy", "long", "icy");

    /** "The trophy didn't fit in the suitcase because it was too big / small." */
    static final List<String> ITEMS = List.of("trophy", "lamp", "guitar", "pillow");
    static final List<String> CONTAINERS = List.of("suitcase", "box", "bag", "drawer");

    private Lexicon() {
    }
}
