package dev.llmplatform.inference.engine.constraint;

import dev.llmplatform.constraint.ByteDfa;
import dev.llmplatform.constraint.ConstraintException;
import dev.llmplatform.constraint.Constraints;
import dev.llmplatform.constraint.Regex;
import dev.llmplatform.constraint.TokenMasks;
import dev.llmplatform.constraint.TokenVocabulary;
import dev.llmplatform.contracts.OutputConstraint;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Compiles output constraints off the engine thread, on one thread of its own: a request whose constraint is
 * still compiling waits here (it is submitted to its engine when its masks are ready), while the engine keeps
 * decoding everyone else. Compiled constraints are kept in an LRU cache per (model version, constraint, stop
 * tokens), so a schema used again costs nothing, and the masks of the states it visited stay computed. A
 * constraint that cannot be compiled, or not within {@code timeout}, fails its future with a
 * {@link ConstraintException} (a 400 for the caller). Spring-free.
 */
public final class ConstraintCompiler implements AutoCloseable {

    /** Compiled constraints kept by the service. */
    public static final int DEFAULT_CACHE_ENTRIES = 64;
    /** Longest a compile may take in the service. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private record Key(String model, OutputConstraint constraint, String stopTokens) {
    }

    private final int maxEntries;
    private final Duration timeout;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("constraint-compiler").daemon().factory());
    private final Map<Key, CompletableFuture<TokenMasks>> cache;
    private final Map<String, TokenVocabulary> vocabularies = new LinkedHashMap<>();

    /**
     * @param maxEntries compiled constraints kept (least recently used dropped first)
     * @param timeout    longest a compile may take before the request is refused
     */
    public ConstraintCompiler(int maxEntries, Duration timeout) {
        this.maxEntries = maxEntries;
        this.timeout = timeout;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<TokenMasks>> eldest) {
                return size() > ConstraintCompiler.this.maxEntries;
            }
        };
    }

    /**
     * The masks of {@code constraint} over the vocabulary of {@code model} (a model version's key), compiled
     * or taken from the cache; the vocabulary is read once per model, on the compiler's thread.
     */
    public synchronized CompletableFuture<TokenMasks> compile(String model, Supplier<TokenVocabulary> vocabulary,
                                                              OutputConstraint constraint, int[] stopTokenIds) {
        Key key = new Key(model, constraint, Arrays.toString(stopTokenIds));
        CompletableFuture<TokenMasks> cached = cache.get(key);
        if (cached != null && !cached.isCompletedExceptionally()) {
            return cached;
        }
        CompletableFuture<TokenMasks> compiled = CompletableFuture.supplyAsync(() -> {
            TokenMasks masks = new TokenMasks(automaton(constraint), vocabulary(model, vocabulary), stopTokenIds);
            masks.allowed(masks.dfa().start());   // the first step's mask, here rather than on the engine thread
            return masks;
        }, executor).orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(refusal(e)));
        cache.put(key, compiled);
        return compiled;
    }

    /** The byte automaton of a constraint; {@link ConstraintException} for what cannot be compiled. */
    public static ByteDfa automaton(OutputConstraint constraint) {
        Regex regex = switch (constraint.kind()) {
            case JSON_SCHEMA -> Constraints.jsonSchema(constraint.value());
            case JSON_OBJECT -> Constraints.jsonObject();
            case REGEX -> Constraints.regex(constraint.value());
            case CHOICE -> Constraints.choice(constraint.choices());
            case TOOL_CALL -> Constraints.toolCall(constraint.value());
            case TOOL_CALLS_OR_TEXT -> Constraints.toolCallsOrText(constraint.value());
        };
        return Constraints.compile(regex);
    }

    private TokenVocabulary vocabulary(String model, Supplier<TokenVocabulary> read) {
        synchronized (vocabularies) {
            return vocabularies.computeIfAbsent(model, m -> read.get());
        }
    }

    private Throwable refusal(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException) {
            return new ConstraintException("the output constraint took longer than " + timeout.toMillis()
                    + " ms to compile");
        }
        return cause;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
