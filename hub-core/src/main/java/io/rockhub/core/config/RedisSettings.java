package io.rockhub.core.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Redis 7.0 configuration keys RockHub has no setting of its own for (listed in
 * {@code redis-settings.txt} beside this class): tools and test suites written for Redis set them
 * ({@code CONFIG SET save ""}, {@code hz}, {@code *-max-listpack-*}...) and read them back, so they
 * are accepted, validated as Redis validates them, stored and answered, with no effect on RockHub.
 * Redis's old names ({@code slave-*}, {@code *-ziplist-*}) are aliases of the new ones.
 */
final class RedisSettings {
    /** The doc of every setting that is only stored. */
    static final String COMPATIBILITY = "Redis 7.0 setting, accepted and answered for compatibility; no effect in RockHub";

    private RedisSettings() {
    }

    record Loaded(List<Setting> settings, Map<String, String> aliases) {
    }

    static Loaded load() {
        List<Setting> settings = new ArrayList<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        try (InputStream in = RedisSettings.class.getResourceAsStream("redis-settings.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                String name = f[0];
                if (!f[4].isEmpty()) {
                    aliases.put(name, f[4]);
                    continue;
                }
                boolean mutable = f[2].equals("y");
                String def = f[3];
                String kind = f[1];
                if (kind.startsWith("INT:")) { // INT:min:max, Redis's bounds
                    String[] b = kind.split(":");
                    settings.add(new Setting(name, def, mutable, Setting.Kind.INT, Long.parseLong(b[1]), Long.parseLong(b[2]),
                            List.of(), COMPATIBILITY));
                    continue;
                }
                settings.add(switch (kind) {
                    case "BOOL" -> new Setting(name, def, mutable, Setting.Kind.BOOL, 0, 0, List.of(), COMPATIBILITY);
                    case "INT" -> new Setting(name, def, mutable, Setting.Kind.INT, Long.MIN_VALUE, Long.MAX_VALUE,
                            List.of(), COMPATIBILITY);
                    case "BYTES" -> new Setting(name, def, mutable, Setting.Kind.BYTES, 0, Long.MAX_VALUE, List.of(),
                            COMPATIBILITY);
                    case "STRING" -> new Setting(name, def, mutable, Setting.Kind.STRING, 0, 0, List.of(), COMPATIBILITY);
                    default -> new Setting(name, def, mutable, Setting.Kind.ENUM, 0, 0,
                            List.of(kind.substring("ENUM:".length()).split(",")), COMPATIBILITY);
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Loaded(List.copyOf(settings), Map.copyOf(aliases));
    }
}
