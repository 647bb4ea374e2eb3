package io.rockhub.core.types;

/**
 * The EXPIRE family's NX / XX / GT / LT options; XX may combine with GT or LT, as in Redis.
 */
public record ExpireCondition(boolean nx, boolean xx, boolean gt, boolean lt) {
    public static final ExpireCondition ALWAYS = new ExpireCondition(false, false, false, false);

    /**
     * Whether a key whose current deadline is {@code current} (0 = persistent, which GT and LT
     * treat as an infinite TTL) may get {@code proposed}.
     */
    public boolean allows(long current, long proposed) {
        if (nx && current != 0) {
            return false;
        }
        if (xx && current == 0) {
            return false;
        }
        if (gt && (current == 0 || proposed <= current)) {
            return false;
        }
        return !(lt && current != 0 && proposed >= current);
    }
}
