package io.rockhub.core.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a RocksDB checkpoint with their sizes and SHA-256 digests, and the sequence number
 * the checkpoint holds everything up to: what a replica (or a backup) needs to copy and verify it.
 */
public record CheckpointManifest(String id, long sequence, List<FileEntry> files) {
    /** One file of the checkpoint. */
    public record FileEntry(String name, long size, String sha256) {
    }

    public long totalBytes() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    /** Lists and digests the regular files of {@code dir}, in name order. */
    public static CheckpointManifest of(String id, long sequence, Path dir) {
        List<FileEntry> out = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(Files::isRegularFile).sorted().toList()) {
                out.add(new FileEntry(p.getFileName().toString(), Files.size(p), sha256(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoint " + dir, e);
        }
        return new CheckpointManifest(id, sequence, List.copyOf(out));
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
