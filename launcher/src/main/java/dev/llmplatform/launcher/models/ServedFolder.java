package dev.llmplatform.launcher.models;

import dev.llmplatform.model.ModelLayout;
import dev.llmplatform.model.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * {@code --model PATH[=NAME]}: serves a model folder from anywhere, as {@code vllm serve PATH} does.
 * The folder's files are hard-linked (copied where the store is on another file system) into the
 * store as a version of NAME, through a temporary folder moved into place, so the store watcher
 * finds it like any folder dropped there and the user's folder is never written to.
 */
public final class ServedFolder {

    private static final Logger log = LoggerFactory.getLogger(ServedFolder.class);

    /** One {@code --model} argument. */
    public record Argument(Path path, String name) {

        /** Parses {@code PATH} or {@code PATH=NAME}; the name defaults to the folder's name made safe. */
        public static Argument parse(String value) {
            int eq = value.lastIndexOf('=');
            Path path = Path.of(eq < 0 ? value : value.substring(0, eq)).toAbsolutePath().normalize();
            String name = eq < 0 ? safeName(path.getFileName() == null ? "model" : path.getFileName().toString())
                    : value.substring(eq + 1);
            ModelStore.requireSafeName(name, "model name in --model " + value);
            return new Argument(path, name);
        }

        private static String safeName(String folder) {
            String name = folder.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
            return name.isEmpty() ? "model" : name.length() > 100 ? name.substring(0, 100) : name;
        }
    }

    private ServedFolder() {
    }

    /**
     * Puts each folder into the store: version 1 the first time, the same version again when its files
     * are unchanged, the next version when they changed.
     *
     * @return the store folder of each argument
     */
    public static List<Path> install(Path storeDir, List<Argument> arguments) {
        ModelStore store = new ModelStore(storeDir);
        return arguments.stream().map(a -> install(store, a)).toList();
    }

    private static Path install(ModelStore store, Argument argument) {
        Path source = argument.path();
        if (!Files.isDirectory(source)) {
            throw new IllegalArgumentException("--model " + source + ": not a folder");
        }
        if (ModelLayout.detect(source).isEmpty()) {
            throw new IllegalArgumentException("--model " + source + ": no model there (expected config.json with "
                    + "model.safetensors, shards with model.safetensors.index.json, or an ONNX export)");
        }
        try {
            String fingerprint = contentFingerprint(source);
            List<String> versions = store.versions(argument.name());
            for (String v : versions) {
                Path existing = store.packageDir(argument.name(), v);
                if (fingerprint.equals(contentFingerprint(existing))) {
                    log.info("serving {} as {} (version {}, unchanged)", source, argument.name(), v);
                    return existing;
                }
            }
            String version = Integer.toString(versions.stream().filter(v -> v.chars().allMatch(Character::isDigit))
                    .mapToInt(Integer::parseInt).max().orElse(0) + 1);
            Path target = store.packageDir(argument.name(), version);
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempDirectory(target.getParent(), "." + version + ".link-");
            boolean copied = linkTree(source, tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            log.info("serving {} as {} (version {}, {} in the store)", source, argument.name(), version,
                    copied ? "copied" : "hard-linked");
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("--model " + source + ": cannot put it into the store " + store.root(), e);
        }
    }

    /** Relative names and sizes (not times: a copy has times of its own), the platform's folder left out. */
    private static String contentFingerprint(Path dir) throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.walk(dir, 3)) {
            files.filter(Files::isRegularFile).filter(f -> !dir.relativize(f).startsWith(ModelLayout.PLATFORM_DIR))
                    .sorted().forEach(f -> {
                        try {
                            out.append(dir.relativize(f)).append('=').append(Files.size(f)).append(';');
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        return out.toString();
    }

    /** Hard-links (or copies, across file systems) every file; returns true when anything had to be copied. */
    private static boolean linkTree(Path source, Path target) throws IOException {
        boolean[] copied = {false};
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(source) && dir.getFileName().toString().equals(ModelLayout.PLATFORM_DIR)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path to = target.resolve(source.relativize(file).toString());
                try {
                    Files.createLink(to, file);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
                    copied[0] = true;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return copied[0];
    }
}
