package io.rockhub.resp.command;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Every supported command by lower-case name. Built once at start-up, read-only afterwards. */
public final class CommandTable {
    private final Map<String, CommandSpec> commands = new LinkedHashMap<>();
    /** Names as clients spell them ("SET", "set", "Set") to specs, so the hot path skips lower-casing. */
    private final Map<String, CommandSpec> spelled = new java.util.concurrent.ConcurrentHashMap<>();

    public CommandTable add(CommandSpec spec) {
        if (commands.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalStateException("command registered twice: " + spec.name());
        }
        return this;
    }

    public CommandSpec lookup(String name) {
        CommandSpec s = spelled.get(name);
        if (s == null) {
            s = commands.get(name.toLowerCase(Locale.ROOT));
            if (s != null && spelled.size() < 4096) {
                spelled.put(name, s);
            }
        }
        return s;
    }

    public CommandSpec lookup(byte[] name) {
        return lookup(new String(name, java.nio.charset.StandardCharsets.UTF_8));
    }

    public Collection<CommandSpec> all() {
        return commands.values();
    }

    public int size() {
        return commands.size();
    }
}
