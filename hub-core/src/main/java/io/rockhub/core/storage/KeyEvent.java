package io.rockhub.core.storage;

import java.util.List;

/**
 * A keyspace event of a committed write ({@code notify-keyspace-events}): its class, Redis's event
 * name ("set", "lpush", "expired", "new"...) and the stored key. Stores record them in the
 * {@link Batch} of the write, in the order Redis emits them; they are handed on only once the batch
 * is committed, with the sequence number it reached.
 */
public record KeyEvent(int type, String event, byte[] storedKey) {
    // Redis's NOTIFY_* bits.
    public static final int KEYSPACE = 1;
    public static final int KEYEVENT = 1 << 1;
    public static final int GENERIC = 1 << 2;
    public static final int STRING = 1 << 3;
    public static final int LIST = 1 << 4;
    public static final int SET = 1 << 5;
    public static final int HASH = 1 << 6;
    public static final int ZSET = 1 << 7;
    public static final int EXPIRED = 1 << 8;
    public static final int EVICTED = 1 << 9;
    public static final int STREAM = 1 << 10;
    public static final int KEY_MISS = 1 << 11;
    public static final int MODULE = 1 << 13;
    public static final int NEW = 1 << 14;
    /** 'A': every class but key-miss and new. */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** Where committed events go (the server publishes them once their write is durable). */
    public interface Sink {
        /** Events of a write now in the WAL at or before {@code sequence}, in order; called on the committing thread. */
        void committed(long sequence, List<KeyEvent> events);
    }
}
