package io.rockhub.resp.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The arguments Redis hides from SLOWLOG (and MONITOR): passwords and ACL rules. AUTH's arguments,
 * HELLO's two after AUTH, every argument of ACL SETUSER from the user name on, and the values CONFIG
 * SET gives to sensitive settings become "(redacted)".
 */
public final class Redaction {
    static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> SENSITIVE_SETTINGS = Set.of("requirepass", "masterauth", "tls-key-file-pass",
            "tls-client-key-file-pass");

    private Redaction() {
    }

    /** {@code argv} with the sensitive arguments replaced (the same list when there are none). */
    static List<byte[]> redact(List<byte[]> argv) {
        if (argv.isEmpty()) {
            return argv;
        }
        String name = text(argv.get(0));
        List<byte[]> out = null;
        for (int i = 1; i < argv.size(); i++) {
            if (hidden(name, argv, i)) {
                if (out == null) {
                    out = new ArrayList<>(argv);
                }
                out.set(i, REDACTED);
            }
        }
        return out == null ? argv : out;
    }

    /** Whether argument {@code i} of a command named {@code name} (lower case) is hidden. */
    public static boolean hidden(String name, List<byte[]> argv, int i) {
        switch (name) {
            case "auth":
                return true;
            case "hello":
                for (int j = 2; j < argv.size() - 2; j++) {
                    if (text(argv.get(j)).equals("auth")) {
                        return i == j + 1 || i == j + 2;
                    }
                }
                return false;
            case "acl":
                return i >= 2 && text(argv.get(1)).equals("setuser");
            case "config":
                return i >= 3 && i % 2 == 1 && text(argv.get(1)).equals("set")
                        && SENSITIVE_SETTINGS.contains(text(argv.get(i - 1)));
            default:
                return false;
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    }
}
