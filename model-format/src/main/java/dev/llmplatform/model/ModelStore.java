package dev.llmplatform.model;

import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.model.discovery.ModelStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model store: a directory of {@code <name>/<version>/} folders (a volume in Kubernetes), each one
 * of the layouts {@link ModelLayout} detects: the platform's packages and the users' own ONNX exports
 * and Hugging Face checkpoints. Names and versions are validated and links are followed only within
 * the store, so no request can reach a path outside it.
 */
public final class ModelStore {

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
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

    /** Model names with at least one complete version (see {@link #versions}). */
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

    /**
     * Complete versions of a model, oldest first (natural order: "2" before "10"): folders whose names are
     * valid (so temporary ".name" folders never list) and that {@link ModelLayout#detect} accepts.
     */
    public List<String> versions(String name) {
        Path dir = root.resolve(requireSafeName(name, "model name"));
        if (!Files.isDirectory(dir) || !resolvesInside(dir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            List<String> versions = new ArrayList<>(dirs
                    .filter(p -> isSafeName(p.getFileName().toString()))
                    .filter(this::isComplete)
                    .map(p -> p.getFileName().toString())
                    .toList());
            versions.sort(VERSION_ORDER);
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The version requests for a model's name are served from: the newest that is ready — a package
     * the platform wrote, or a folder whose {@code .llm-platform/status.json} says ready — so a newer
     * version still being copied or converted, or one that failed, never takes over from the one
     * serving (the registry announces the same choice). A store no watcher has looked at yet (no
     * status anywhere) serves its newest version.
     */
    public Optional<String> latestVersion(String name) {
        List<String> versions = versions(name);
        if (versions.isEmpty()) {
            return Optional.empty();
        }
        boolean anyStatus = false;
        for (String version : versions.reversed()) {
            Path dir = packageDir(name, version);
            if (Files.isRegularFile(dir.resolve(ModelPackage.MANIFEST))) {
                return Optional.of(version);
            }
            Optional<ModelStatus> status = ModelStatus.read(dir);
            anyStatus |= status.isPresent();
            if (status.map(s -> s.state() == ModelEvent.State.READY).orElse(false)) {
                return Optional.of(version);
            }
        }
        return anyStatus ? Optional.empty() : Optional.of(versions.getLast());
    }

    public Optional<ModelPackage> open(String name, String version) {
        Path dir = packageDir(name, version);
        return isComplete(dir) ? Optional.of(ModelPackage.open(name, version, dir)) : Optional.empty();
    }

    public Optional<ModelPackage> openLatest(String name) {
        return latestVersion(name).flatMap(v -> open(name, v));
    }

    /**
     * A version folder serves when {@link ModelLayout#detect} accepts it (the platform's package, an ONNX
     * export or a safetensors checkpoint, each with its config.json) and nothing in it leads outside the
     * store: the folder itself and every link inside it must resolve within the store's root. A folder
     * being copied in shows as a version only once its config.json and weights are there; copy it in
     * under a name starting with '.' and rename it to make that atomic.
     */
    private boolean isComplete(Path dir) {
        return ModelLayout.detect(dir).isPresent() && staysInside(dir);
    }

    private boolean staysInside(Path dir) {
        if (!resolvesInside(dir)) {
            return false;
        }
        LinkCheck check = new LinkCheck(this::resolvesInside);
        try {
            Files.walkFileTree(dir, check);
        } catch (IOException e) {
            return false;
        }
        if (check.outside != null) {
            LOG.warn("{} links outside the store (or nowhere); model folder {} not served", check.outside, dir);
        }
        return check.outside == null && !check.unreadable;
    }

    /**
     * Finds a link in a version folder that leads outside the store. A file or folder that goes away while
     * the folder is read is skipped: the inference service writes its fused copy into a temporary folder
     * inside the package and renames it, and a reader that met the rename took a served model for a
     * missing one (a 404 for the default model seen in CI). Any other error makes the folder unreadable.
     */
    static final class LinkCheck extends SimpleFileVisitor<Path> {

        private final Predicate<Path> inside;
        Path outside;
        boolean unreadable;

        LinkCheck(Predicate<Path> inside) {
            this.inside = inside;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (attributes.isSymbolicLink() && !inside.test(file)) {
                outside = file;
                return FileVisitResult.TERMINATE;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            return gone(e);
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            return e == null ? FileVisitResult.CONTINUE : gone(e);
        }

        private FileVisitResult gone(IOException e) {
            if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
            }
            unreadable = true;
            return FileVisitResult.TERMINATE;
        }
    }

    private boolean resolvesInside(Path path) {
        try {
            return path.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** Numeric-aware ordering so version "10" sorts after "9". */
    public static final Comparator<String> VERSION_ORDER = (a, b) -> {
        boolean an = a.chars().allMatch(Character::isDigit);
        boolean bn = b.chars().allMatch(Character::isDigit);
        if (an && bn && a.length() < 19 && b.length() < 19) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return a.compareTo(b);
    };
}
