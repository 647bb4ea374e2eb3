package io.rockhub.app.backup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one backup is, written to the store last (so a manifest never names a missing file): the
 * checkpoint's sequence number and time, its key count and digest (as {@code HUB.DIGEST} computes
 * it), and every file with its size, SHA-256 and object key. A line-based text format:
 *
 * <pre>
 * rockhub-backup 1
 * id 20261121T150301Z-000000000012345
 * created 1795270000000
 * sequence 12345
 * keys 1000
 * records 2345
 * digest 3f2a...
 * file 000012.sst 4096 9c1e... files/000012.sst.9c1e0b5d2a7f4e31
 * </pre>
 */
public record BackupManifest(String id, long createdMillis, long sequence, long keys, long records, String digest,
                             List<Entry> files) {
    static final String HEADER = "rockhub-backup 1";

    /** One file of the backup and where it is stored. */
    public record Entry(String name, long size, String sha256, String objectKey) {
    }

    public long totalBytes() {
        return files.stream().mapToLong(Entry::size).sum();
    }

    byte[] encode() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        sb.append("id ").append(id).append('\n');
        sb.append("created ").append(createdMillis).append('\n');
        sb.append("sequence ").append(sequence).append('\n');
        sb.append("keys ").append(keys).append('\n');
        sb.append("records ").append(records).append('\n');
        sb.append("digest ").append(digest).append('\n');
        for (Entry f : files) {
            sb.append("file ").append(f.name()).append(' ').append(f.size()).append(' ').append(f.sha256()).append(' ')
                    .append(f.objectKey()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static BackupManifest decode(byte[] raw) {
        String[] lines = new String(raw, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 7 || !lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("not a RockHub backup manifest");
        }
        String id = null;
        long created = 0;
        long sequence = 0;
        long keys = 0;
        long records = 0;
        String digest = null;
        List<Entry> files = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] p = lines[i].split(" ");
            switch (p[0]) {
                case "id" -> id = p[1];
                case "created" -> created = Long.parseLong(p[1]);
                case "sequence" -> sequence = Long.parseLong(p[1]);
                case "keys" -> keys = Long.parseLong(p[1]);
                case "records" -> records = Long.parseLong(p[1]);
                case "digest" -> digest = p[1];
                case "file" -> files.add(new Entry(p[1], Long.parseLong(p[2]), p[3], p[4]));
                default -> throw new IllegalArgumentException("unexpected manifest line: " + lines[i]);
            }
        }
        return new BackupManifest(id, created, sequence, keys, records, digest, List.copyOf(files));
    }
}
