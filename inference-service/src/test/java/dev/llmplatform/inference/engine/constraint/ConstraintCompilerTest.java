package dev.llmplatform.inference.engine.constraint;

import dev.llmplatform.constraint.ConstraintException;
import dev.llmplatform.constraint.TokenMasks;
import dev.llmplatform.constraint.TokenVocabulary;
import dev.llmplatform.contracts.OutputConstraint;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConstraintCompilerTest {

    @Test
    void shouldCompileOnceAndShareTheMasksOfTheSameConstraintAndModel() throws Exception {
        TokenVocabulary vocab = TokenVocabulary.read(Path.of("../models/starter/1/tokenizer.json"),
                    starterVocabSize());
        AtomicInteger reads = new AtomicInteger();
        try (ConstraintCompiler compiler = new ConstraintCompiler(2, Duration.ofSeconds(30))) {
            OutputConstraint schema = OutputConstraint.jsonSchema("{\"type\":\"integer\"}");
            TokenMasks first = compiler.compile("starter:1", () -> {
                reads.incrementAndGet();
                return vocab;
            }, schema, new int[]{0}).join();
            TokenMasks again = compiler.compile("starter:1", () -> {
                reads.incrementAndGet();
                return vocab;
            }, OutputConstraint.jsonSchema("{\"type\":\"integer\"}"), new int[]{0}).join();
            assertThat(again).isSameAs(first);
            assertThat(reads).hasValue(1);
            assertThat(TokenMasks.isAllowed(first.allowed(0), 0)).as("EOS before any digit").isFalse();
        }
    }

    @Test
    void shouldFailTheFutureNamingTheKeywordItCannotCompile() {
        try (ConstraintCompiler compiler = new ConstraintCompiler(2, Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> compiler.compile("m", () -> new TokenVocabulary(new byte[1][]),
                    OutputConstraint.jsonSchema("{\"not\":{}}"), new int[]{0}).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(ConstraintException.class).hasMessageContaining("'not'");
        }
    }

    /** The shipped starter's vocabulary size, from its config.json (it changes when the starter is retrained). */
    private static int starterVocabSize() throws java.io.IOException {
        return dev.llmplatform.model.ModelConfig.parse(
                java.nio.file.Files.readString(Path.of("../models/starter/1/config.json")), "config.json").vocabSize();
    }
}
