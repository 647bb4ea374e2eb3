package io.rockhub.resp.protocol;

import java.util.List;

/** One decoded command: its arguments, name first, exactly as the client sent them. */
public record RespRequest(List<byte[]> args) {
}
