package dev.llmplatform.model.discovery;

import dev.llmplatform.model.ModelLayout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The user's files of a version folder as names, sizes and modification times (the platform's
 * own {@code .llm-platform} folder left out): equal fingerprints a few seconds apart mean nobody is
 * still copying into the folder, a changed one means the model was replaced in place.
 *
 * @param hash        sha-256 over every (relative path, size, mtime), in path order
 * @param newestMtime the latest modification time of any file, epoch ms
 * @param symlink     a file or folder inside is a symbolic link (never followed: it could point outside the store)
 */
public record FolderFingerprint(String hash, long newestMtime, int files, long bytes, String symlink) {

    /** How deep below the version folder files are looked at ({@code onnx/model.onnx} is depth 2). */
    static final int MAX_DEPTH = 3;

    public static FolderFingerprint of(Path dir) throws IOException {
        Map<String, BasicFileAttributes> entries = new TreeMap<>();
        String[] link = {null};
        Files.walkFileTree(dir, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                        if (!d.equals(dir) && d.getFileName().toString().equals(ModelLayout.PLATFORM_DIR)) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                        if (attrs.isSymbolicLink() || Files.isSymbolicLink(f)) {
                            link[0] = dir.relativize(f).toString();
                        } else if (attrs.isRegularFile()) {
                            entries.put(dir.relativize(f).toString(), attrs);
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
        if (Files.isSymbolicLink(dir)) {
            link[0] = ".";
        }
        MessageDigest sha = sha256();
        long newest = 0;
        long bytes = 0;
        for (Map.Entry<String, BasicFileAttributes> e : entries.entrySet()) {
            long mtime = e.getValue().lastModifiedTime().toMillis();
            sha.update((e.getKey() + "\u0000" + e.getValue().size() + "\u0000" + mtime + "\n").getBytes(StandardCharsets.UTF_8));
            newest = Math.max(newest, mtime);
            bytes += e.getValue().size();
        }
        return new FolderFingerprint(HexFormat.of().formatHex(sha.digest()), newest, entries.size(), bytes, link[0]);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
