package io.rockhub.core.replication;

/**
 * One write batch as it sits in the primary's WAL: the sequence number of its first operation, how
 * many sequence numbers it takes, and its serialized bytes, which a replica applies unchanged.
 */
public record WalBatch(long sequence, long count, byte[] data) {
    /** The sequence number of its last operation. */
    public long lastSequence() {
        return sequence + count - 1;
    }
}
