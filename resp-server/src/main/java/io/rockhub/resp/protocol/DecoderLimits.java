package io.rockhub.resp.protocol;

/**
 * What a connection may send, consulted by {@link RespDecoder} before it allocates anything.
 * Implementations are read on the connection's event loop and may change between frames.
 */
public interface DecoderLimits {
    /** Redis's PROTO_INLINE_MAX_SIZE: an inline command or a length line longer than this is refused. */
    int MAX_INLINE = 64 * 1024;

    /** Unauthenticated clients may send at most this many arguments (as Redis 7). */
    int UNAUTHENTICATED_MAX_ARGS = 10;

    /** Unauthenticated clients may send bulk strings of at most this many bytes (as Redis 7). */
    int UNAUTHENTICATED_MAX_BULK = 16 * 1024;

    /** {@code proto-max-bulk-len}. */
    long maxBulkLength();

    /** Whether the connection still has to AUTH; such clients get the small limits above. */
    boolean authRequired();
}
