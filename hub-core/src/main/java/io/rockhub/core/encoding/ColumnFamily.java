package io.rockhub.core.encoding;

import java.nio.charset.StandardCharsets;

/**
 * RocksDB column families and their fixed roles (see package documentation). Names are persisted:
 * never rename, only append.
 */
public enum ColumnFamily {
    DEFAULT("default"),
    METADATA("metadata"),
    SUBKEY("subkey"),
    EXPIRE("expire"),
    GARBAGE("garbage"),
    ZSET_SCORE("zset_score"),
    STREAM("stream");

    private final String cfName;

    ColumnFamily(String cfName) {
        this.cfName = cfName;
    }

    public String cfName() {
        return cfName;
    }

    public byte[] nameBytes() {
        return cfName.getBytes(StandardCharsets.UTF_8);
    }

    /** Column families holding per-version subkeys: a dead version is range-deleted in each. */
    public static final ColumnFamily[] VERSIONED = {SUBKEY, ZSET_SCORE, STREAM};
}
