package io.rockhub.core.types;

/** The EXPIRE family's NX / XX / GT / LT options. */
public enum ExpireCondition {
    ALWAYS, NX, XX, GT, LT;

    /**
     * Whether a key whose current deadline is {@code current} (0 = persistent, which GT and LT treat
     * as an infinite TTL) may get {@code proposed}.
     */
    public boolean allows(long current, long proposed) {
        return switch (this) {
            case ALWAYS -> true;
            case NX -> current == 0;
            case XX -> current != 0;
            case GT -> current != 0 && proposed > current;
            case LT -> current == 0 || proposed < current;
        };
    }
}
