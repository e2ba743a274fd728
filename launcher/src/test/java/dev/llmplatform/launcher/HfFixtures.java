package dev.llmplatform.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's {@code fixtures/hf}: small Hugging Face models written by PyTorch ({@code make_fixtures.py}). */
public final class HfFixtures {

    private HfFixtures() {
    }

    public static Path dir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("fixtures/hf"))) {
                return dir.resolve("fixtures/hf");
            }
        }
        throw new IllegalStateException("no fixtures/hf above " + Path.of("").toAbsolutePath());
    }
}
