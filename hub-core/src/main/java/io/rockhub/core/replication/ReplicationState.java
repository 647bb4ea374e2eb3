package io.rockhub.core.replication;

import io.rockhub.core.util.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Which history a data directory belongs to, as Redis's PSYNC2 ids: the replication id of the
 * history it follows, and the id it followed before its last promotion with the last sequence
 * number written under that one. A replica may continue from a primary only if they share a
 * history up to the replica's position; otherwise it must take a full copy.
 *
 * <p>Kept in a small file beside RocksDB's own ({@value #FILE}), not in RocksDB, because it must not
 * be replicated: a replica's file names the primary's id, written with the data it copied.
 */
public record ReplicationState(String replid, String previousReplid, long previousEnd) {
    public static final String FILE = "REPLICATION";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new 40-hex-digit replication id. */
    public static String newId() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static ReplicationState fresh() {
        return new ReplicationState(newId(), "0000000000000000000000000000000000000000", -1);
    }

    /** A new history that continues this one: what REPLICAOF NO ONE does at sequence {@code end}. */
    public ReplicationState promoted(long end) {
        return new ReplicationState(newId(), replid, end);
    }

    /**
     * Whether a replica that followed {@code theirReplid} and has applied everything before
     * {@code nextSeq} shares this history up to there.
     */
    public boolean continues(String theirReplid, long nextSeq) {
        return theirReplid.equals(replid) || (theirReplid.equals(previousReplid) && nextSeq <= previousEnd + 1);
    }

    public static ReplicationState load(Path dataDir) {
        Path f = dataDir.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.US_ASCII);
            return new ReplicationState(lines.get(0).trim(), lines.get(1).trim(), Long.parseLong(lines.get(2).trim()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("unreadable " + f + ": " + e.getMessage(), e);
        }
    }

    /** Writes the file atomically and durably (a power loss leaves the old or the new one). */
    public void save(Path dataDir) {
        try {
            DurableFiles.replace(dataDir.resolve(FILE),
                    (replid + "\n" + previousReplid + "\n" + previousEnd + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
        }
    }
}
