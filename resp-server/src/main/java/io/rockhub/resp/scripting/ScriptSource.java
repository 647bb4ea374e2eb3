package io.rockhub.resp.scripting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A script's body and its SHA1 (lower-case hex), by which EVALSHA names it. */
public record ScriptSource(String sha, byte[] body) {
    public static ScriptSource of(byte[] body) {
        return new ScriptSource(sha1Hex(body), body.clone());
    }

    public static String sha1Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 missing from the JDK", e);
        }
    }

    /** The Lua function name Redis compiles the body into (errors name it too). */
    public String functionName() {
        return "f_" + sha;
    }

    @Override
    public String toString() {
        return sha + " (" + new String(body, 0, Math.min(body.length, 40), StandardCharsets.UTF_8) + "...)";
    }
}
