package io.rockhub.core.config;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code client-output-buffer-limit}: for each client class, the output size at which a client is
 * disconnected at once (hard), and the size it may stay above only for a while (soft, seconds).
 * 0 disables a limit. A CONFIG SET names some classes and leaves the others as they were, as Redis.
 */
public record ClientBufferLimits(Map<ClientClass, Limit> limits) {
    public static final String DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

    /** The client classes Redis distinguishes ("replica" is an alias of "slave"). */
    public enum ClientClass { NORMAL, SLAVE, PUBSUB }

    /** One class's limits; bytes, and seconds for the soft limit. */
    public record Limit(long hardBytes, long softBytes, long softSeconds) {
    }

    public ClientBufferLimits {
        limits = Map.copyOf(limits);
    }

    public Limit of(ClientClass c) {
        return limits.get(c);
    }

    /** Parses {@code text} as a change to {@code base}: the classes it names replace theirs. */
    public static ClientBufferLimits parse(ClientBufferLimits base, String text) throws ConfigException {
        String[] words = text.trim().isEmpty() ? new String[0] : text.trim().split("\\s+");
        if (words.length % 4 != 0) {
            throw new ConfigException("client-output-buffer-limit", "Wrong number of arguments in buffer limit configuration.");
        }
        Map<ClientClass, Limit> out = new EnumMap<>(ClientClass.class);
        if (base != null) {
            out.putAll(base.limits);
        }
        for (int i = 0; i < words.length; i += 4) {
            ClientClass c = switch (words[i].toLowerCase(Locale.ROOT)) {
                case "normal" -> ClientClass.NORMAL;
                case "slave", "replica" -> ClientClass.SLAVE;
                case "pubsub" -> ClientClass.PUBSUB;
                default -> throw new ConfigException("client-output-buffer-limit",
                        "Invalid client class specified in buffer limit configuration.");
            };
            long hard = memory(words[i + 1]);
            long soft = memory(words[i + 2]);
            long seconds = memory(words[i + 3]);
            if (hard < 0 || soft < 0 || seconds < 0) {
                throw new ConfigException("client-output-buffer-limit",
                        "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            out.put(c, new Limit(hard, soft, seconds));
        }
        return new ClientBufferLimits(out);
    }

    /** Redis's canonical text: every class, in bytes. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (ClientClass c : ClientClass.values()) {
            Limit l = limits.get(c);
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(c.name().toLowerCase(Locale.ROOT)).append(' ').append(l.hardBytes()).append(' ')
                    .append(l.softBytes()).append(' ').append(l.softSeconds());
        }
        return sb.toString();
    }

    /** A memory amount as Redis's memtoull reads it (1k = 1000, 1kb = 1024, case-insensitive); -1 when invalid. */
    private static long memory(String word) {
        String l = word.toLowerCase(Locale.ROOT);
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
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }
}
