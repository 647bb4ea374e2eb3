package io.rockhub.resp.acl;

import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.CommandTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The commands as ACL rules see them: every command and every subcommand gets an id (a bit in a
 * selector's bitmap), its full name ({@code config|get}) and its categories, all from the command
 * table, so a command cannot exist without its ACL categories.
 */
public final class AclCommandSet {
    /** Redis's categories, in the order ACL CAT lists them and describing a user tries them. */
    public static final List<String> CATEGORIES = List.of("keyspace", "read", "write", "set", "sortedset", "list",
            "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting");

    /**
     * One command or subcommand; {@code subcommands} empty unless it is a container. {@code spec} is
     * null for a Redis command RockHub does not run; {@code redis} is false for RockHub's own.
     */
    public record Entry(int id, String fullName, CommandSpec spec, List<String> categories, Entry parent,
                        List<Entry> subcommands, boolean redis) {
        boolean in(String category) {
            return categories.contains(category);
        }
    }

    private final List<Entry> top = new ArrayList<>();
    private final List<Entry> all = new ArrayList<>();
    private final Map<String, Entry> byName = new HashMap<>();
    private final Map<CommandSpec, Entry> bySpec = new java.util.IdentityHashMap<>();

    public AclCommandSet(CommandTable table) {
        List<String> redisOnly = new ArrayList<>();
        java.util.Set<String> extras = new java.util.HashSet<>();
        readRedisOnly(redisOnly, extras);
        List<CommandSpec> specs = new ArrayList<>(table.all());
        specs.sort(java.util.Comparator.comparing(CommandSpec::name));
        for (CommandSpec spec : specs) {
            top.add(add(spec, null, extras));
        }
        for (String line : redisOnly) {
            String[] f = line.split(" ");
            String name = f[0];
            List<String> cats = new ArrayList<>();
            for (int i = 1; i < f.length; i++) {
                cats.add(f[i].substring(1));
            }
            int bar = name.indexOf('|');
            Entry parent = bar < 0 ? null : byName.get(name.substring(0, bar));
            Entry e = new Entry(all.size(), name, null, List.copyOf(cats), parent, new ArrayList<>(), true);
            all.add(e);
            byName.put(name, e);
            if (parent == null) {
                top.add(e);
            } else {
                parent.subcommands().add(e);
            }
        }
        top.sort(java.util.Comparator.comparing(Entry::fullName));
    }

    private static void readRedisOnly(List<String> commands, java.util.Set<String> extras) {
        try (java.io.InputStream in = AclCommandSet.class.getResourceAsStream("redis-only-commands.txt")) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("extra ")) {
                    extras.addAll(List.of(line.substring(6).split(" ")));
                } else {
                    commands.add(line);
                }
            }
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("redis-only-commands.txt is missing from the jar", e);
        }
    }

    private Entry add(CommandSpec spec, Entry parent, java.util.Set<String> extras) {
        String full = parent == null || spec.name().contains("|") ? spec.name() : parent.fullName() + "|" + spec.name();
        List<Entry> subs = new ArrayList<>();
        Entry e = new Entry(all.size(), full, spec, categories(spec), parent, subs, !extras.contains(full));
        all.add(e);
        byName.put(full, e);
        bySpec.put(spec, e);
        if (spec.isContainer()) {
            List<CommandSpec> children = new ArrayList<>(spec.subcommands());
            children.sort(java.util.Comparator.comparing(CommandSpec::name));
            for (CommandSpec child : children) {
                subs.add(add(child, e, extras));
            }
        }
        return e;
    }

    private static List<String> categories(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        for (String c : spec.categories()) {
            out.add(c.startsWith("@") ? c.substring(1) : c);
        }
        return List.copyOf(out);
    }

    /** A command by name or {@code parent|sub}, case-insensitive, or null. */
    public Entry lookup(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** The entry of a command the dispatcher resolved (a subcommand for containers). */
    public Entry of(CommandSpec spec) {
        return bySpec.get(spec);
    }

    /** The top-level commands, each followed in iteration by nothing: walk subcommands through {@link Entry#subcommands}. */
    public List<Entry> topLevel() {
        return top;
    }

    public int size() {
        return all.size();
    }

    public static boolean isCategory(String name) {
        return CATEGORIES.contains(name.toLowerCase(Locale.ROOT));
    }
}
