package io.rockhub.resp.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps SCAN's numeric cursors to the key a scan stopped at. Redis cursors are numbers clients
 * parse (redis-cli does); a RocksDB scan resumes from a key, so each page gets a fresh number
 * remembered here. The oldest cursors are forgotten past a bound; using one then is an error
 * rather than a silent restart that could loop forever.
 */
public final class ScanCursors {
    private static final int MAX = 100_000;
    private final AtomicLong next = new AtomicLong(1);
    private final Map<Long, byte[]> cursors = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > MAX;
        }
    };

    public synchronized long remember(byte[] resumeAfter) {
        long id = next.getAndIncrement();
        cursors.put(id, resumeAfter);
        return id;
    }

    /** The key a cursor resumes after; null if unknown. Cursors may be reused (as Redis allows). */
    public synchronized byte[] resolve(long cursor) {
        return cursors.get(cursor);
    }
}
