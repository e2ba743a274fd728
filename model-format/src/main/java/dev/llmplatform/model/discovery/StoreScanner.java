package dev.llmplatform.model.discovery;

import dev.llmplatform.model.ModelStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Looks at the store's {@code <name>/<version>/} folders and says which are settled: their files
 * unchanged since the previous look and none modified within the settle time. A folder still being
 * copied is therefore never reported, whatever order its files arrive in. Spring-free: the caller
 * decides how often to look.
 */
public final class StoreScanner {

    /** A version folder whose files have settled. */
    public record Settled(String name, String version, Path dir, FolderFingerprint fingerprint) {
        public String key() {
            return name + ":" + version;
        }
    }

    /**
     * One look at the store.
     *
     * @param settled  version folders whose files did not change since the previous look
     * @param present  keys ({@code name:version}) of every version folder there, settled or not
     * @param refused  folders that can never be served, with the reason (unsafe names)
     */
    public record Scan(List<Settled> settled, Set<String> present, Map<Path, String> refused) {
    }

    private final Path root;
    private final Duration settle;
    private final InstantSource clock;
    private final Map<String, String> previous = new HashMap<>();

    public StoreScanner(Path root, Duration settle, InstantSource clock) {
        this.root = root.toAbsolutePath().normalize();
        this.settle = settle;
        this.clock = clock;
    }

    public Path root() {
        return root;
    }

    public Scan scan() {
        List<Settled> settled = new ArrayList<>();
        Set<String> present = new LinkedHashSet<>();
        Map<Path, String> refused = new HashMap<>();
        Map<String, String> now = new HashMap<>();
        for (Path nameDir : list(root)) {
            String name = nameDir.getFileName().toString();
            if (name.startsWith(".")) {
                continue;                                   // hidden: the platform's and the OS's own
            }
            if (!ModelStore.isSafeName(name)) {
                refused.put(nameDir, "model folder name '" + name + "' is not a safe name: use letters, digits, '.', '_' or '-'");
                continue;
            }
            if (Files.isSymbolicLink(nameDir)) {
                refused.put(nameDir, "model folder '" + name + "' is a symbolic link; links could point outside the store");
                continue;
            }
            for (Path versionDir : list(nameDir)) {
                String version = versionDir.getFileName().toString();
                if (version.startsWith(".")) {
                    continue;                               // a package being written (ModelPackageWriter's temp folders)
                }
                if (!ModelStore.isSafeName(version)) {
                    refused.put(versionDir, "version folder name '" + name + "/" + version + "' is not a safe name");
                    continue;
                }
                String key = name + ":" + version;
                present.add(key);
                FolderFingerprint fp;
                try {
                    fp = FolderFingerprint.of(versionDir);
                } catch (IOException e) {
                    continue;                               // vanished or unreadable mid-look: look again next time
                }
                now.put(key, fp.hash());
                boolean quiet = clock.millis() - fp.newestMtime() >= settle.toMillis();
                if (fp.hash().equals(previous.get(key)) && quiet) {
                    settled.add(new Settled(name, version, versionDir, fp));
                }
            }
        }
        previous.clear();
        previous.putAll(now);
        return new Scan(settled, present, refused);
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
