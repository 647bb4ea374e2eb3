package io.rockhub.core.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files replaced so that a power loss leaves the old or the new content, never an empty or torn
 * file: write a temporary file, fsync it, rename it over the target, fsync the directory. A rename
 * without the first fsync can reach the disk before the data it names (an empty file after a power
 * loss; seen with the REPLICATION file in PowerLossTest); without the second the rename itself may
 * be lost.
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /** The suffix of the temporary file beside the target while it is written (listings skip it). */
    public static final String TEMPORARY_SUFFIX = ".part";

    /** Replaces {@code target} with {@code content}, durably. */
    public static void replace(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + TEMPORARY_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        moveIntoPlace(tmp, target);
    }

    /** Copies {@code source} to {@code target}, durably (through a temporary file beside the target). */
    public static void copy(Path source, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + TEMPORARY_SUFFIX);
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        fsync(tmp);
        moveIntoPlace(tmp, target);
    }

    /** Renames {@code tmp} (already fsynced) over {@code target} and fsyncs the directory that holds them. */
    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Makes a directory's entries (a rename, a new file) durable; Linux allows fsync on a directory opened for reading. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
