package io.rockhub.resp.acl;

import io.rockhub.core.util.Glob;
import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.KeyFinder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The ACL users and their checks, as Redis 7.0: users by name (ACL LIST's order), the default user
 * (all commands, keys and channels; its password is {@code requirepass}), the permission check
 * every command passes, the description ACL LIST and GETUSER print, and the ACL LOG of denials.
 */
public final class Acl {
    /**
     * Why a command was refused, in Redis's ACL_DENIED_* order (command 1, key 2, auth 3, channel 4),
     * which picks the denial reported when several selectors refuse.
     */
    public enum Reason { COMMAND, KEY, AUTH, CHANNEL }

    /** A refused command: the reason and the argument it is about (0 for the command itself). */
    public record Denial(Reason reason, int argument) {
    }

    private final AclCommandSet commands;
    private final BooleanSupplier allChannelsByDefault;
    private final TreeMap<String, User> users = new TreeMap<>();
    private final AclLog log;
    /** The same object for the server's life (ACL LOAD copies rules into it), so sessions hold it. */
    private final User defaultUser;

    public Acl(AclCommandSet commands, BooleanSupplier allChannelsByDefault, AclLog log) {
        this.commands = commands;
        this.allChannelsByDefault = allChannelsByDefault;
        this.log = log;
        this.defaultUser = initialDefault();
        users.put(defaultUser.name(), defaultUser);
    }

    /** The default user as Redis creates it: every command, key and channel, no password. */
    private User initialDefault() {
        User d = newUser("default");
        try {
            for (String op : List.of("+@all", "~*", "&*", "on", "nopass")) {
                applyRule(d, op);
            }
        } catch (AclRuleException e) {
            throw new IllegalStateException(e);
        }
        return d;
    }

    /**
     * The ACL a server starts with: the default user with {@code requirepass}, then the users of
     * the config file's {@code user} lines or of {@code aclfile} (not both, as Redis refuses); a
     * configuration that does not load is an {@link IllegalArgumentException} with Redis's words.
     */
    public static Acl open(io.rockhub.core.config.HubConfig config, io.rockhub.resp.command.CommandTable table,
                           java.util.function.LongSupplier millis) {
        Acl acl = new Acl(new AclCommandSet(table), () -> config.get("acl-pubsub-default").equals("allchannels"),
                new AclLog(millis, () -> config.getLong("acllog-max-len")));
        acl.requirePass(config.get("requirepass"));
        String aclFile = config.get("aclfile");
        if (!config.userLines().isEmpty() && !aclFile.isEmpty()) {
            throw new IllegalArgumentException("Configuring Redis with users defined in redis.conf and at the same setting"
                    + " an ACL file path is invalid. This setup is very likely to lead to configuration errors and security"
                    + " holes, please define either an ACL file or declare users directly in your redis.conf, but not both.");
        }
        for (String line : config.userLines()) {
            String error = acl.configUser(line);
            if (error != null) {
                throw new IllegalArgumentException(error);
            }
        }
        if (!aclFile.isEmpty()) {
            String errors = AclFile.load(acl, aclFile).errors();
            if (errors != null) {
                throw new IllegalArgumentException("Aborting because of ACL errors: " + errors);
            }
        }
        return acl;
    }

    public AclCommandSet commands() {
        return commands;
    }

    public AclLog log() {
        return log;
    }

    public synchronized User user(String name) {
        return users.get(name);
    }

    public User defaultUser() {
        return defaultUser;
    }

    public synchronized Collection<User> users() {
        return List.copyOf(users.values());
    }

    /**
     * ACL SETUSER: applies every rule to a copy of the user (a new one if it does not exist) and
     * keeps the copy only if all of them apply; returns null or Redis's error text.
     */
    public synchronized String setUser(String name, List<String> rules) {
        if (Selector.hasSpaces(name)) {
            return "ERR Usernames can't contain spaces or null characters";
        }
        Merged merged = mergeSelectors(rules);
        if (merged.openAt() >= 0) {
            return "ERR Unmatched parenthesis in acl selector starting at '" + rules.get(merged.openAt()) + "'.";
        }
        User existing = users.get(name);
        User staged = existing != null ? existing.copy(name) : newUser(name);
        for (String op : merged.rules()) {
            try {
                applyRule(staged, op);
            } catch (AclRuleException e) {
                return "ERR Error in ACL SETUSER modifier '" + op + "': " + e.getMessage();
            }
        }
        keep(name, existing, staged);
        return null;
    }

    /** Publishes a user whose rules all applied: into the existing one (its sessions hold it), or as new. */
    private void keep(String name, User existing, User staged) {
        if (existing != null) {
            existing.takeRulesOf(staged);
        } else {
            users.put(name, staged);
        }
    }

    /**
     * A {@code user} line of the config file ("name rule rule ..."), as Redis loads them at start:
     * the default user starts again from reset; null, or why it cannot load.
     */
    public synchronized String configUser(String line) {
        List<String> words = new ArrayList<>(List.of(line.trim().split(" +")));
        String name = words.remove(0);
        if (name.isEmpty() || Selector.hasSpaces(name)) {
            return "Spaces not allowed in ACL usernames";
        }
        Merged merged = mergeSelectors(words);
        if (merged.openAt() >= 0) {
            return "Unmatched parenthesis in acl selector in the user line of " + name;
        }
        User u = users.get(name);
        if (u != null && !name.equals("default")) {
            return "Duplicate user '" + name + "' in the configuration";
        }
        // The only user already there is the default one: its line applies after a reset, as Redis.
        User staged = newUser(name);
        if (u != null) {
            try {
                applyRule(staged, "reset");
            } catch (AclRuleException e) {
                throw new IllegalStateException(e);
            }
        }
        for (String rule : merged.rules()) {
            try {
                applyRule(staged, rule);
            } catch (AclRuleException e) {
                return "Error loading ACL rule '" + rule + "' for the user named '" + name + "': " + e.getMessage();
            }
        }
        keep(name, u, staged);
        return null;
    }

    /** A user not yet in the registry, with no permissions (ACL LOAD builds the new set from these). */
    User newUser(String name) {
        return new User(name, allChannelsByDefault.getAsBoolean());
    }

    void applyRule(User u, String rule) throws AclRuleException {
        u.apply(rule, commands, allChannelsByDefault.getAsBoolean());
    }

    /**
     * ACL LOAD's switch to a loaded set: the default user keeps its identity and takes the loaded
     * default's rules (or the initial ones); returns the users replaced, whose clients must go.
     */
    synchronized List<User> replaceAll(Map<String, User> loaded) {
        User next = loaded.get("default");
        defaultUser.takeRulesOf(next != null ? next : initialDefault());
        List<User> replaced = new ArrayList<>(users.values());
        replaced.remove(defaultUser);
        users.clear();
        users.putAll(loaded);
        users.put("default", defaultUser);
        return replaced;
    }

    /**
     * Takes the users of the ACL this one replaces (a replica reopening on a full-sync copy keeps its
     * users, as a Redis replica keeps its ACL through a full sync) and its log.
     */
    public void adopt(Acl previous) {
        Map<String, User> copies = new TreeMap<>();
        for (User u : previous.users()) {
            copies.put(u.name(), u.copy(u.name()));
        }
        replaceAll(copies);
        log.adopt(previous.log);
    }

    /** Sets the default user's password from {@code requirepass} (empty: nopass), as Redis does. */
    public synchronized void requirePass(String password) {
        try {
            applyRule(defaultUser, "resetpass");
            applyRule(defaultUser, password.isEmpty() ? "nopass" : ">" + password);
        } catch (AclRuleException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ACL DELUSER: the users removed (the caller disconnects their clients). */
    public synchronized List<User> deleteUsers(List<String> names) {
        List<User> removed = new ArrayList<>();
        for (String n : names) {
            User u = users.remove(n);
            if (u != null) {
                removed.add(u);
            }
        }
        return removed;
    }

    /** The user {@code name} logs in with {@code password}: the user, or null (unknown, off, or a wrong password). */
    public synchronized User authenticate(String name, byte[] password) {
        User u = users.get(name);
        return u != null && u.accepts(password) ? u : null;
    }

    // ---- checks ---------------------------------------------------------------------------

    /**
     * Whether {@code user} may run {@code spec} with {@code argv} (the command as the client sent
     * it): null, or the most relevant denial over its selectors, as Redis picks it.
     */
    public Denial check(User user, CommandSpec spec, List<byte[]> argv) {
        List<Selector> selectors = user.selectors;
        if (selectors.get(0).unrestricted()) {
            return null; // the default user's usual case: nothing to look up
        }
        AclCommandSet.Entry entry = commands.of(spec);
        if (entry == null) {
            return null; // not a command ACLs know (none such in the table)
        }
        List<KeyFinder.Found> keys = null;
        Denial relevant = new Denial(Reason.COMMAND, 0);
        for (Selector s : selectors) { // a published list: read without a lock
            if (!s.allKeys && keys == null) {
                keys = KeyFinder.find(spec, argv);
            }
            Denial d = check(s, entry, argv, keys);
            if (d == null) {
                return null;
            }
            // Redis's pick: a key or channel over the command, the later argument among equals.
            if (d.reason().compareTo(relevant.reason()) > 0
                    || d.reason() == relevant.reason() && d.argument() > relevant.argument()) {
                relevant = d;
            }
        }
        return relevant;
    }

    private Denial check(Selector s, AclCommandSet.Entry entry, List<byte[]> argv, List<KeyFinder.Found> keys) {
        if (!s.allCommands && !entry.spec().has(io.rockhub.resp.command.CommandFlag.NO_AUTH) && !s.allowed.get(entry.id())) {
            List<String> first = s.firstArgs.get(entry.id());
            int at = entry.parent() != null ? 2 : 1;
            if (first == null || argv.size() <= at
                    || first.stream().noneMatch(a -> a.equalsIgnoreCase(new String(argv.get(at), StandardCharsets.ISO_8859_1)))) {
                return new Denial(Reason.COMMAND, 0);
            }
        }
        if (!s.allKeys && keys != null) {
            for (KeyFinder.Found k : keys) {
                if (!keyAllowed(s, argv.get(k.position()), k.flags())) {
                    return new Denial(Reason.KEY, k.position());
                }
            }
        }
        if (!s.allChannels) {
            String name = entry.fullName();
            int from = 1;
            int to = switch (name) {
                case "publish", "spublish" -> 2;
                case "subscribe", "ssubscribe", "psubscribe" -> argv.size();
                default -> 1;
            };
            boolean literal = name.equals("psubscribe");
            for (int i = from; i < to; i++) {
                if (!channelAllowed(s.channels, argv.get(i), literal)) {
                    return new Denial(Reason.CHANNEL, i);
                }
            }
        }
        return null;
    }

    private static boolean keyAllowed(Selector s, byte[] key, List<String> specFlags) {
        int needed = 0;
        for (String f : specFlags) {
            switch (f.toLowerCase(java.util.Locale.ROOT)) {
                case "access" -> needed |= Selector.READ;
                case "insert", "delete", "update" -> needed |= Selector.WRITE;
                default -> { }
            }
        }
        for (Map.Entry<String, Integer> p : s.keys.entrySet()) {
            if ((p.getValue() & needed) != needed) {
                continue;
            }
            if (Glob.matches(p.getKey().getBytes(StandardCharsets.ISO_8859_1), key, false)) {
                return true;
            }
        }
        return false;
    }

    private static boolean channelAllowed(List<String> patterns, byte[] channel, boolean literal) {
        for (String p : patterns) {
            byte[] pb = p.getBytes(StandardCharsets.ISO_8859_1);
            if (literal ? java.util.Arrays.equals(pb, channel) : Glob.matches(pb, channel, false)) {
                return true;
            }
        }
        return false;
    }

    /** A user's channel permissions over all its selectors: any allchannels, and every pattern. */
    public record ChannelRules(boolean all, List<String> patterns) {
        /** Whether a subscriber keeping these subscriptions violates these rules (Redis's test after a SETUSER). */
        public boolean revokes(List<byte[]> channels, List<byte[]> patternsSubscribed) {
            for (byte[] p : patternsSubscribed) {
                if (!patterns.contains(new String(p, StandardCharsets.ISO_8859_1))) {
                    return true;
                }
            }
            for (byte[] c : channels) {
                if (!channelAllowed(patterns, c, false)) {
                    return true;
                }
            }
            return false;
        }
    }

    public synchronized ChannelRules channelRules(User u) {
        boolean all = false;
        List<String> patterns = new ArrayList<>();
        for (Selector s : u.selectors) {
            all |= s.allChannels;
            patterns.addAll(s.channels);
        }
        return new ChannelRules(all, patterns);
    }

    // ---- descriptions ---------------------------------------------------------------------

    /** ACL LIST's line for a user, without the leading "user name ". */
    public synchronized String describe(User u) {
        StringBuilder sb = new StringBuilder();
        for (String f : flags(u)) {
            sb.append(f).append(' ');
        }
        for (String p : u.passwords) {
            sb.append('#').append(p).append(' ');
        }
        for (Selector s : u.selectors) {
            if (s.root) {
                sb.append(describe(s));
            } else {
                sb.append(" (").append(describe(s)).append(')');
            }
        }
        return sb.toString();
    }

    /** User flags in Redis's order. */
    public synchronized List<String> flags(User u) {
        List<String> out = new ArrayList<>();
        out.add(u.enabled ? "on" : "off");
        if (u.nopass) {
            out.add("nopass");
        }
        if (u.sanitizePayload != null) {
            out.add(u.sanitizePayload ? "sanitize-payload" : "skip-sanitize-payload");
        }
        return out;
    }

    public synchronized List<String> passwords(User u) {
        return List.copyOf(u.passwords);
    }

    /** The selectors of a user, root first, each as GETUSER shows one: commands, keys, channels. */
    public synchronized List<String[]> selectorFields(User u) {
        List<String[]> out = new ArrayList<>();
        for (Selector s : u.selectors) {
            out.add(new String[] {commandRules(s), keys(s), channels(s)});
        }
        return out;
    }

    /** A selector's key rules as GETUSER shows them: "~*", or each pattern with its permissions. */
    private static String keys(Selector s) {
        return s.allKeys ? "~*" : String.join(" ", s.keys.entrySet().stream().map(Acl::pattern).toList());
    }

    /** A selector's channel rules as GETUSER shows them: "&*", or each pattern. */
    private static String channels(Selector s) {
        return s.allChannels ? "&*" : String.join(" ", s.channels.stream().map(c -> "&" + c).toList());
    }

    private static String pattern(Map.Entry<String, Integer> p) {
        String prefix = switch (p.getValue()) {
            case Selector.READ -> "%R~";
            case Selector.WRITE -> "%W~";
            default -> "~";
        };
        return prefix + p.getKey();
    }

    /** A selector as ACL LIST prints it: keys, channels (after "resetchannels" unless all), commands. */
    private String describe(Selector s) {
        StringBuilder sb = new StringBuilder();
        String keys = keys(s);
        if (!keys.isEmpty()) {
            sb.append(keys).append(' ');
        }
        String channels = channels(s);
        if (!s.allChannels) {
            sb.append("resetchannels ");
        }
        if (!channels.isEmpty()) {
            sb.append(channels).append(' ');
        }
        return sb.append(commandRules(s)).toString();
    }

    /**
     * The command rules that rebuild a selector's bitmap, as Redis derives them: +@all or -@all,
     * then the category that best fits what remains while one fits more than it misses, then single
     * commands (and first arguments) for the difference.
     */
    String commandRules(Selector s) {
        StringBuilder rules = new StringBuilder();
        Selector fake = new Selector(false, false);
        boolean additive = !s.future;
        try {
            fake.apply(additive ? "-@all" : "+@all", commands);
            rules.append(additive ? "-@all " : "+@all ");
            Selector temp = new Selector(false, false);
            temp.allowed.or(s.allowed);
            boolean[] applied = new boolean[AclCommandSet.CATEGORIES.size()];
            while (true) {
                int best = -1;
                long minDiff = Integer.MAX_VALUE;
                long maxSame = 0;
                for (int j = 0; j < applied.length; j++) {
                    if (applied[j]) {
                        continue;
                    }
                    long[] onOff = count(temp.allowed, AclCommandSet.CATEGORIES.get(j));
                    long diff = additive ? onOff[1] : onOff[0];
                    long same = additive ? onOff[0] : onOff[1];
                    if (same > diff && (diff < minDiff || diff == minDiff && same > maxSame)) {
                        best = j;
                        minDiff = diff;
                        maxSame = same;
                    }
                }
                if (best == -1) {
                    break;
                }
                String category = AclCommandSet.CATEGORIES.get(best);
                fake.apply((additive ? "+@" : "-@") + category, commands);
                temp.apply((additive ? "-@" : "+@") + category, commands);
                rules.append(additive ? "+@" : "-@").append(category).append(' ');
                applied[best] = true;
            }
        } catch (AclRuleException e) {
            throw new IllegalStateException(e);
        }
        singleCommands(s, fake, rules, commands.topLevel());
        if (rules.length() > 0) {
            rules.setLength(rules.length() - 1);
        }
        if (!fake.allowed.equals(s.allowed)) {
            throw new IllegalStateException("ACL rules do not rebuild the selector's commands: " + rules);
        }
        return rules.toString();
    }

    private void singleCommands(Selector s, Selector fake, StringBuilder rules, List<AclCommandSet.Entry> entries) {
        for (AclCommandSet.Entry e : entries) {
            boolean user = s.allowed.get(e.id());
            if (user != fake.allowed.get(e.id())) {
                rules.append(user ? '+' : '-').append(e.fullName()).append(' ');
                fake.change(e, user);
            }
            singleCommands(s, fake, rules, e.subcommands());
            List<String> first = s.firstArgs.get(e.id());
            if (!user && first != null) {
                for (String a : first) {
                    rules.append('+').append(e.fullName()).append('|').append(a).append(' ');
                }
            }
        }
    }

    /** Commands of a category allowed ([0]) and not ([1]) in {@code bits}. */
    private long[] count(BitSet bits, String category) {
        long[] onOff = new long[2];
        count(bits, category, commands.topLevel(), onOff);
        return onOff;
    }

    /** Counts Redis's commands only, so the categories chosen are those Redis would choose. */
    private void count(BitSet bits, String category, List<AclCommandSet.Entry> entries, long[] onOff) {
        for (AclCommandSet.Entry e : entries) {
            if (e.redis() && e.in(category)) {
                onOff[bits.get(e.id()) ? 0 : 1]++;
            }
            count(bits, category, e.subcommands(), onOff);
        }
    }

    // ---- rule strings ---------------------------------------------------------------------

    /** Rules with selectors joined; {@code openAt} the rule whose parenthesis is left open, or -1. */
    record Merged(List<String> rules, int openAt) {
    }

    /** Joins a selector given over several arguments ("(~key" "+get)") into one, as Redis does. */
    static Merged mergeSelectors(List<String> rules) {
        List<String> out = new ArrayList<>();
        StringBuilder open = null;
        int openAt = -1;
        for (int j = 0; j < rules.size(); j++) {
            String op = rules.get(j);
            if (open == null && op.startsWith("(") && !op.endsWith(")")) {
                open = new StringBuilder(op);
                openAt = j;
            } else if (open != null) {
                open.append(' ').append(op);
                if (op.endsWith(")")) {
                    out.add(open.toString());
                    open = null;
                    openAt = -1;
                }
            } else {
                out.add(op);
            }
        }
        return new Merged(out, openAt);
    }

    /** The words of a selector's inside, split as Redis's sdssplitargs does for simple words. */
    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.trim().split("[ \\t\\n\\r]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
