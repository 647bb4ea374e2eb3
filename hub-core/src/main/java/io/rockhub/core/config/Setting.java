package io.rockhub.core.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration key: its name, default, whether CONFIG SET may change it, and how its text
 * is validated and put in canonical form.
 */
public record Setting(String name, String defaultValue, boolean mutable, Kind kind, long min, long max,
                      List<String> choices, String doc) {

    public enum Kind { INT, BYTES, BOOL, STRING, ENUM, COMPRESSION_LIST, BUFFER_LIMITS, KEYSPACE_EVENTS }

    static Setting integer(String name, long def, long min, long max, boolean mutable, String doc) {
        return new Setting(name, Long.toString(def), mutable, Kind.INT, min, max, List.of(), doc);
    }

    static Setting bytes(String name, String def, long min, long max, boolean mutable, String doc) {
        return new Setting(name, def, mutable, Kind.BYTES, min, max, List.of(), doc);
    }

    static Setting bool(String name, boolean def, boolean mutable, String doc) {
        return new Setting(name, def ? "yes" : "no", mutable, Kind.BOOL, 0, 0, List.of(), doc);
    }

    static Setting string(String name, String def, boolean mutable, String doc) {
        return new Setting(name, def, mutable, Kind.STRING, 0, 0, List.of(), doc);
    }

    static Setting choice(String name, String def, boolean mutable, String doc, String... choices) {
        return new Setting(name, def, mutable, Kind.ENUM, 0, 0, List.of(choices), doc);
    }

    static Setting bufferLimits(String name, String def, boolean mutable, String doc) {
        return new Setting(name, def, mutable, Kind.BUFFER_LIMITS, 0, 0, List.of(), doc);
    }

    static Setting keyspaceEvents(String name, String def, boolean mutable, String doc) {
        return new Setting(name, def, mutable, Kind.KEYSPACE_EVENTS, 0, 0, List.of(), doc);
    }

    static Setting compressionList(String name, String def, boolean mutable, String doc) {
        return new Setting(name, def, mutable, Kind.COMPRESSION_LIST, 0, 0,
                List.of("no", "snappy", "lz4", "zstd"), doc);
    }

    /** Validates {@code raw} and returns its canonical text; throws with a message naming the key. */
    String canonical(String raw) throws ConfigException {
        String v = raw.trim();
        switch (kind) {
            case INT -> {
                long n;
                try {
                    n = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new ConfigException(name, "argument couldn't be parsed into an integer");
                }
                checkRange(n);
                return Long.toString(n);
            }
            case BYTES -> {
                long n = parseMemory(v);
                checkRange(n);
                return Long.toString(n);
            }
            case BOOL -> {
                String l = v.toLowerCase(Locale.ROOT);
                if (l.equals("yes") || l.equals("no")) {
                    return l;
                }
                throw new ConfigException(name, "argument must be 'yes' or 'no'");
            }
            case ENUM -> {
                String l = v.toLowerCase(Locale.ROOT);
                if (choices.contains(l)) {
                    return l;
                }
                throw new ConfigException(name, "argument(s) must be one of the following: " + String.join(", ", choices));
            }
            case COMPRESSION_LIST -> {
                String l = v.toLowerCase(Locale.ROOT);
                String[] parts = l.split(":");
                if (parts.length == 0 || parts.length > 7) {
                    throw new ConfigException(name, "expected 1 to 7 levels separated by ':'");
                }
                for (String part : parts) {
                    if (!choices.contains(part)) {
                        throw new ConfigException(name, "unknown compression '" + part
                                + "', expected one of " + String.join(", ", choices));
                    }
                }
                return l;
            }
            case KEYSPACE_EVENTS -> {
                return KeyspaceEventFlags.stored(KeyspaceEventFlags.parse(v));
            }
            case BUFFER_LIMITS -> {
                // Against the defaults here; HubConfig merges a change into the current value instead.
                return ClientBufferLimits.parse(ClientBufferLimits.parse(null, ClientBufferLimits.DEFAULT), v).text();
            }
            default -> {
                return v;
            }
        }
    }

    private void checkRange(long n) throws ConfigException {
        if (n < min || n > max) {
            throw new ConfigException(name, "argument must be between " + min + " and " + max + " inclusive");
        }
    }

    /** Parses Redis memory units: 1k = 1000, 1kb = 1024, likewise m/mb and g/gb. */
    private long parseMemory(String v) throws ConfigException {
        String l = v.toLowerCase(Locale.ROOT);
        long mul = 1;
        String digits = l;
        String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"},
            {"g", "1000000000"}, {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
        for (String[] u : units) {
            if (l.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                digits = l.substring(0, l.length() - u[0].length());
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(name, "argument must be a memory value");
        }
    }
}
