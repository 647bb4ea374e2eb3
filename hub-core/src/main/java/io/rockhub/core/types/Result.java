package io.rockhub.core.types;

/** A value, or the status explaining why there is none. */
public record Result<T>(Status status, T value) {
    private static final Result<?> NOT_FOUND = new Result<>(Status.NOT_FOUND, null);
    private static final Result<?> WRONG_TYPE = new Result<>(Status.WRONG_TYPE, null);

    public static <T> Result<T> ok(T value) {
        return new Result<>(Status.OK, value);
    }

    @SuppressWarnings("unchecked")
    public static <T> Result<T> notFound() {
        return (Result<T>) NOT_FOUND;
    }

    @SuppressWarnings("unchecked")
    public static <T> Result<T> wrongType() {
        return (Result<T>) WRONG_TYPE;
    }

    public static <T> Result<T> of(Status status) {
        return new Result<>(status, null);
    }

    public boolean isOk() {
        return status == Status.OK;
    }
}
