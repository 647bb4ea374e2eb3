package io.rockhub.resp.protocol;

/** Every error text RockHub replies with, worded exactly as Redis 7 words it. */
public final class Errors {
    private Errors() {
    }

    public static final String SYNTAX = "ERR syntax error";
    public static final String WRONG_TYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String DECREMENT_OVERFLOW = "ERR decrement would overflow";
    public static final String NAN_OR_INFINITY = "ERR increment would produce NaN or Infinity";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public static final String OFFSET_OUT_OF_RANGE = "ERR offset is out of range";
    public static final String DB_OUT_OF_RANGE = "ERR DB index is out of range";
    public static final String NOAUTH = "NOAUTH Authentication required.";
    public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    public static final String AUTH_NOT_CONFIGURED = "ERR AUTH <password> called without any password configured "
            + "for the default user. Are you sure your configuration is correct?";
    public static final String HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, "
            + "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
            + "select the RESP protocol version at the same time";
    public static final String NOPROTO = "NOPROTO unsupported protocol version";
    public static final String PROTO_NOT_INTEGER = "ERR Protocol version is not an integer or out of range";
    public static final String SAME_OBJECT = "ERR source and destination objects are the same";
    public static final String NX_XX_GT_LT = "ERR NX and XX, GT or LT options at the same time are not compatible";
    public static final String GT_LT = "ERR GT and LT options at the same time are not compatible";
    public static final String NO_SUCH_CLIENT = "ERR No such client";
    public static final String CLIENT_NAME_SPACES = "ERR Client names cannot contain spaces, newlines or special characters.";
    public static final String INVALID_CURSOR = "ERR invalid cursor";
    public static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency not "
            + "tracked. Please note that when switching between policies at runtime LRU and LFU data will take some "
            + "time to adjust.";

    public static String wrongArity(String fullName) {
        return "ERR wrong number of arguments for '" + fullName + "' command";
    }

    public static String invalidExpire(String command) {
        return "ERR invalid expire time in '" + command + "' command";
    }

    public static String protocol(String detail) {
        return "ERR Protocol error: " + detail;
    }

    public static String unknownSubcommand(String sub, String container) {
        return "ERR unknown subcommand '" + truncate(sub, 128) + "'. Try " + container.toUpperCase(java.util.Locale.ROOT)
                + " HELP.";
    }

    public static String unsupportedOption(String option) {
        return "ERR Unsupported option " + option;
    }

    /** Redis's text for an unknown command, quoting the first arguments up to 128 characters. */
    public static String unknownCommand(String name, java.util.List<byte[]> args) {
        StringBuilder quoted = new StringBuilder();
        for (int i = 1; i < args.size() && quoted.length() < 128; i++) {
            String a = new String(args.get(i), java.nio.charset.StandardCharsets.UTF_8);
            quoted.append('\'').append(truncate(a, 128 - quoted.length())).append("' ");
        }
        return "ERR unknown command '" + truncate(name, 128) + "', with args beginning with: " + quoted;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max));
    }
}
