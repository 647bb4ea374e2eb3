package io.rockhub.core.storage;

/** RocksDB failed (I/O error, corruption, closed database): a fault, not an expected outcome. */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
