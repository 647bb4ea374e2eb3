package io.rockhub.resp.scripting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A script's body and its SHA1 (lower-case hex), by which EVALSHA names it, and what its
 * {@code #!lua flags=...} line says: Redis 7's shebang, whose flags a script declares itself.
 *
 * @param shebang     whether the body starts with "#!"
 * @param noWrites    flags=no-writes: the script only reads
 * @param shebangError Redis's error for a shebang it cannot take, or null
 */
public record ScriptSource(String sha, byte[] body, boolean shebang, boolean noWrites, String shebangError) {
    private static final java.util.Set<String> FLAGS = java.util.Set.of("no-writes", "allow-oom", "allow-stale",
            "no-cluster", "allow-cross-slot-keys");

    public ScriptSource(String sha, byte[] body) {
        this(sha, body, isShebang(body), parseFlags(body).contains("no-writes"), shebangError(body));
    }

    public static ScriptSource of(byte[] body) {
        return new ScriptSource(sha1Hex(body), body.clone());
    }

    private static boolean isShebang(byte[] body) {
        return body.length >= 2 && body[0] == '#' && body[1] == '!';
    }

    private static String firstLine(byte[] body) {
        int end = 0;
        while (end < body.length && body[end] != '\n') {
            end++;
        }
        return new String(body, 0, end, StandardCharsets.UTF_8);
    }

    private static java.util.Set<String> parseFlags(byte[] body) {
        java.util.Set<String> flags = new java.util.HashSet<>();
        if (!isShebang(body)) {
            return flags;
        }
        for (String part : firstLine(body).split(" ")) {
            if (part.startsWith("flags=")) {
                for (String f : part.substring(6).split(",")) {
                    if (!f.isEmpty()) {
                        flags.add(f);
                    }
                }
            }
        }
        return flags;
    }

    private static String shebangError(byte[] body) {
        if (!isShebang(body)) {
            return null;
        }
        String[] parts = firstLine(body).split(" ");
        if (!parts[0].equals("#!lua")) {
            return "ERR Unexpected engine in script shebang: " + parts[0];
        }
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].isEmpty()) {
                continue;
            }
            if (!parts[i].startsWith("flags=")) {
                return "ERR Unknown lua shebang option: " + parts[i];
            }
            for (String f : parts[i].substring(6).split(",")) {
                if (!f.isEmpty() && !FLAGS.contains(f)) {
                    return "ERR Unexpected flag in script shebang: " + f;
                }
            }
        }
        return null;
    }

    /** The code Lua compiles: a shebang line becomes a comment, so line numbers stay. */
    public byte[] code() {
        if (!shebang) {
            return body;
        }
        byte[] c = body.clone();
        c[0] = '-';
        c[1] = '-';
        return c;
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
