package dev.llmplatform.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model store: a directory of {@code <name>/<version>/} packages (a volume in Kubernetes).
 * Names and versions are validated so no request can reach a path outside the store.
 */
public final class ModelStore {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path root;

    public ModelStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** True when {@code name} can be a model name or version (no separators, no dot-dot). */
    public static boolean isSafeName(String name) {
        return name != null && SAFE_NAME.matcher(name).matches() && !name.contains("..");
    }

    public static String requireSafeName(String name, String what) {
        if (!isSafeName(name)) {
            throw new IllegalArgumentException("invalid " + what + " '" + name + "': use letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    /** The folder of one model version; it need not exist yet. */
    public Path packageDir(String name, String version) {
        Path dir = root.resolve(requireSafeName(name, "model name")).resolve(requireSafeName(version, "model version")).normalize();
        if (!dir.startsWith(root)) {
            throw new IllegalArgumentException("model path escapes the store");
        }
        return dir;
    }

    /** Model names with at least one complete version (one with a manifest.json or config.json). */
    public List<String> modelNames() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(ModelStore::isSafeName)
                    .filter(n -> latestVersion(n).isPresent())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Complete versions of a model, oldest first (natural order: "2" before "10"). */
    public List<String> versions(String name) {
        Path dir = root.resolve(requireSafeName(name, "model name"));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            List<String> versions = new ArrayList<>(dirs.filter(ModelStore::isComplete)
                    .map(p -> p.getFileName().toString())
                    .filter(ModelStore::isSafeName)
                    .toList());
            versions.sort(VERSION_ORDER);
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<String> latestVersion(String name) {
        List<String> versions = versions(name);
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.getLast());
    }

    public Optional<ModelPackage> open(String name, String version) {
        Path dir = packageDir(name, version);
        return isComplete(dir) ? Optional.of(ModelPackage.open(name, version, dir)) : Optional.empty();
    }

    public Optional<ModelPackage> openLatest(String name) {
        return latestVersion(name).flatMap(v -> open(name, v));
    }

    private static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(ModelPackage.MANIFEST)) && Files.isRegularFile(dir.resolve(ModelPackage.CONFIG));
    }

    /** Numeric-aware ordering so version "10" sorts after "9". */
    static final Comparator<String> VERSION_ORDER = (a, b) -> {
        boolean an = a.chars().allMatch(Character::isDigit);
        boolean bn = b.chars().allMatch(Character::isDigit);
        if (an && bn && a.length() < 19 && b.length() < 19) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return a.compareTo(b);
    };
}
