package dev.llmplatform.model;

import dev.llmplatform.contracts.Messages;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a model package into a temporary folder beside its target, adds {@code manifest.json}
 * with the sha256 of every file, then moves it into place in one step, so readers of the store
 * never see half a package.
 */
public final class ModelPackageWriter {

    /** Writes the package's files (all but the manifest) into the given folder. */
    @FunctionalInterface
    public interface Contents {
        void writeInto(Path dir) throws IOException;
    }

    private ModelPackageWriter() {
    }

    public static ModelPackage write(ModelStore store, String name, String version, String kind,
                                     long parameterCount, String trainingJob, Map<String, Double> evalMetrics,
                                     String description, Contents contents) {
        Path target = store.packageDir(name, version);
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempDirectory(target.getParent(), "." + version + ".tmp-");
            // Temp folders are private (0700); a package is read by other services, maybe as other users.
            makeReadable(tmp);
            contents.writeInto(tmp);
            Manifest manifest = new Manifest(name + ":" + version, name, version, kind, checksums(tmp),
                    parameterCount, trainingJob, evalMetrics, description, System.currentTimeMillis());
            Files.writeString(tmp.resolve(ModelPackage.MANIFEST), Messages.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(manifest));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            return ModelPackage.open(name, version, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model package " + target, e);
        }
    }

    private static void makeReadable(Path dir) throws IOException {
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to widen
        }
    }

    public static void writeJson(Path file, Object value) throws IOException {
        Files.writeString(file, Messages.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    static Map<String, String> checksums(Path dir) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                sums.put(f.getFileName().toString(), sha256(f));
            }
        }
        return sums;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
