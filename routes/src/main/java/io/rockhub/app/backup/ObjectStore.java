package io.rockhub.app.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where backups live: an S3-compatible bucket ({@link S3ObjectStore}) or, by default, a local
 * directory with the same layout ({@link LocalObjectStore}). Keys are relative to the store's prefix.
 */
public interface ObjectStore extends AutoCloseable {
    /** Uploads a file; large files go in parts. Either the whole object exists afterwards or none. */
    void put(String key, Path file) throws IOException;

    void putBytes(String key, byte[] data) throws IOException;

    /** Downloads an object into {@code target} (replacing it). */
    void get(String key, Path target) throws IOException;

    byte[] getBytes(String key) throws IOException;

    boolean exists(String key) throws IOException;

    /** Keys under {@code prefix}, in key order. */
    List<String> list(String prefix) throws IOException;

    void delete(String key) throws IOException;

    /** Where it is, for logs and reports. */
    String describe();

    @Override
    default void close() {
    }
}
