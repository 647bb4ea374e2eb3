package io.rockhub.core.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The directories beside a data directory that a full sync uses, and the swap that installs a
 * verified copy: {@code <dir>.sync} (being copied), {@code <dir>.ready} (copied and verified),
 * {@code <dir>.old} (the replaced data, deleted after the swap). Every step is a rename, so a crash
 * at any point leaves either the old data or the new data in place, never a mix; the next start
 * finishes an interrupted swap.
 */
public final class DataDirs {
    private DataDirs() {
    }

    public static Path staging(Path dataDir) {
        return sibling(dataDir, ".sync");
    }

    public static Path ready(Path dataDir) {
        return sibling(dataDir, ".ready");
    }

    static Path old(Path dataDir) {
        return sibling(dataDir, ".old");
    }

    private static Path sibling(Path dataDir, String suffix) {
        Path abs = dataDir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + suffix);
    }

    /**
     * Swaps a ready copy in, if there is one: data → old, ready → data, delete old. Call with the
     * database closed. Returns whether a copy was installed.
     */
    public static boolean installReady(Path dataDir) {
        Path ready = ready(dataDir);
        Path old = old(dataDir);
        Path data = dataDir.toAbsolutePath().normalize();
        try {
            if (Files.isDirectory(ready)) {
                if (Files.exists(data)) {
                    deleteTree(old);
                    Files.move(data, old);
                }
                Files.move(ready, data);
                deleteTree(old);
                return true;
            }
            if (!Files.exists(data) && Files.isDirectory(old)) {
                // A crash between the two renames with no ready copy left cannot happen (ready is
                // renamed last); a missing data directory with an old one means a manual move: keep it.
                Files.move(old, data);
            }
            deleteTree(old);
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the full-sync copy into " + data, e);
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
