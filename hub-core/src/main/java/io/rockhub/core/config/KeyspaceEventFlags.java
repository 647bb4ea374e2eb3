package io.rockhub.core.config;

import io.rockhub.core.storage.KeyEvent;

/** {@code notify-keyspace-events}: Redis's flag letters to {@link KeyEvent} bits and back, in Redis's canonical order. */
public final class KeyspaceEventFlags {
    private KeyspaceEventFlags() {
    }

    public static int parse(String text) throws ConfigException {
        int flags = 0;
        for (char c : text.toCharArray()) {
            flags |= switch (c) {
                case 'A' -> KeyEvent.ALL;
                case 'g' -> KeyEvent.GENERIC;
                case '$' -> KeyEvent.STRING;
                case 'l' -> KeyEvent.LIST;
                case 's' -> KeyEvent.SET;
                case 'h' -> KeyEvent.HASH;
                case 'z' -> KeyEvent.ZSET;
                case 'x' -> KeyEvent.EXPIRED;
                case 'e' -> KeyEvent.EVICTED;
                case 'K' -> KeyEvent.KEYSPACE;
                case 'E' -> KeyEvent.KEYEVENT;
                case 't' -> KeyEvent.STREAM;
                case 'm' -> KeyEvent.KEY_MISS;
                case 'd' -> KeyEvent.MODULE;
                case 'n' -> KeyEvent.NEW;
                default -> throw new ConfigException("notify-keyspace-events",
                        "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            };
        }
        return flags;
    }

    /**
     * The stored form: Redis's text, plus the 'n' that Redis's text leaves out after an 'A' but
     * still honours, so reading the setting back loses nothing.
     */
    public static String stored(int flags) {
        String t = text(flags);
        return t.startsWith("A") && (flags & KeyEvent.NEW) != 0 ? "An" + t.substring(1) : t;
    }

    /** As CONFIG GET shows it (Redis's keyspaceEventsFlagsToString). */
    public static String text(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & KeyEvent.ALL) == KeyEvent.ALL) {
            sb.append('A');
        } else {
            append(sb, flags, KeyEvent.GENERIC, 'g');
            append(sb, flags, KeyEvent.STRING, '$');
            append(sb, flags, KeyEvent.LIST, 'l');
            append(sb, flags, KeyEvent.SET, 's');
            append(sb, flags, KeyEvent.HASH, 'h');
            append(sb, flags, KeyEvent.ZSET, 'z');
            append(sb, flags, KeyEvent.EXPIRED, 'x');
            append(sb, flags, KeyEvent.EVICTED, 'e');
            append(sb, flags, KeyEvent.STREAM, 't');
            append(sb, flags, KeyEvent.MODULE, 'd');
            append(sb, flags, KeyEvent.NEW, 'n');
        }
        append(sb, flags, KeyEvent.KEYSPACE, 'K');
        append(sb, flags, KeyEvent.KEYEVENT, 'E');
        append(sb, flags, KeyEvent.KEY_MISS, 'm');
        return sb.toString();
    }

    private static void append(StringBuilder sb, int flags, int bit, char c) {
        if ((flags & bit) != 0) {
            sb.append(c);
        }
    }
}
