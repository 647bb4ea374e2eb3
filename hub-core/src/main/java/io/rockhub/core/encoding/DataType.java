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
    STREAM(6, "stream");

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
