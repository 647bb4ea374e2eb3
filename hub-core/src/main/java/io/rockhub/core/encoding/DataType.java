package io.rockhub.core.encoding;

/**
 * The type of a key as stored in its metadata. Codes are persisted: never renumber, only append.
 */
public enum DataType {
    STRING(1, "string"),
    HASH(2, "hash"),
    LIST(3, "list"),
    SET(4, "set"),
    ZSET(5, "zset"),
    STREAM(6, "stream"),
    /**
     * A string kept in fixed-size chunks under a version (see {@link StringChunks}) instead of in
     * its metadata record: what a string becomes when SETBIT, SETRANGE or APPEND make it larger
     * than a chunk, so each such write rewrites one chunk, not the whole value. To clients it is a
     * string like any other.
     */
    STRING_CHUNKS(7, "string");

    private final int code;
    private final String redisName;

    DataType(int code, String redisName) {
        this.code = code;
        this.redisName = redisName;
    }

    public int code() {
        return code;
    }

    /** The name TYPE and SCAN TYPE use. */
    public String redisName() {
        return redisName;
    }

    /** Whether Redis sees a string (either representation). */
    public boolean isString() {
        return this == STRING || this == STRING_CHUNKS;
    }

    /** Whether TYPE (and SCAN TYPE) name both the same. */
    public boolean sameRedisType(DataType other) {
        return other != null && redisName.equals(other.redisName);
    }

    /** Whether values live in the metadata record itself (no subkeys, no version). */
    public boolean isInline() {
        return this == STRING;
    }

    public static DataType fromCode(int code) {
        for (DataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalStateException("corrupt metadata: unknown type code " + code);
    }

    public static DataType fromRedisName(String name) {
        for (DataType t : values()) {
            if (t.redisName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }
}
