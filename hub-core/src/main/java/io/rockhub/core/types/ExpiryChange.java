package io.rockhub.core.types;

/**
 * What a write does to a key's TTL: keep it, remove it, or set an absolute deadline.
 *
 * @param mode      what to do
 * @param expireAt  epoch milliseconds when mode is {@link Mode#AT}
 */
public record ExpiryChange(Mode mode, long expireAt) {
    public enum Mode { CLEAR, KEEP, AT }

    public static final ExpiryChange CLEAR = new ExpiryChange(Mode.CLEAR, 0);
    public static final ExpiryChange KEEP = new ExpiryChange(Mode.KEEP, 0);

    public static ExpiryChange at(long epochMillis) {
        return new ExpiryChange(Mode.AT, epochMillis);
    }

    /** The deadline after applying this change to a key whose deadline was {@code current}. */
    public long apply(long current) {
        return switch (mode) {
            case CLEAR -> 0;
            case KEEP -> current;
            case AT -> expireAt;
        };
    }
}
