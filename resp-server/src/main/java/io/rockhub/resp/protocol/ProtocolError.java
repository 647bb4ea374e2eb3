package io.rockhub.resp.protocol;

/**
 * A malformed frame. The handler replies with {@code -ERR Protocol error: <message>} and closes
 * the connection, as Redis does; the decoder discards everything after it.
 */
public record ProtocolError(String message) {
}
