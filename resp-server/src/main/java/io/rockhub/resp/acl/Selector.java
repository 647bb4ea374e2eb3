package io.rockhub.resp.acl;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One set of permissions of a user, as Redis 7.0's selectors: the commands allowed (a bit per
 * command and subcommand of {@link AclCommandSet}, plus first arguments allowed of otherwise blocked
 * commands), the key patterns with their read/write permissions, the channel patterns. A user has a
 * root selector and any number of others; a command runs if one of them allows it whole.
 */
final class Selector {
    static final int READ = 1;
    static final int WRITE = 2;
    static final int ALL = READ | WRITE;

    final boolean root;
    final BitSet allowed = new BitSet();
    /** Set by +@all / allcommands only: the user may run commands added later (Redis's reserved bit). */
    boolean future;
    boolean allCommands;
    /** First arguments allowed of a command whose bit is off ({@code +select|0}), by command id. */
    final Map<Integer, List<String>> firstArgs = new HashMap<>();
    boolean allKeys;
    /** Key pattern to its READ/WRITE flags, in the order added. */
    final LinkedHashMap<String, Integer> keys = new LinkedHashMap<>();
    boolean allChannels;
    final List<String> channels = new ArrayList<>();

    Selector(boolean root, boolean allChannelsByDefault) {
        this.root = root;
        this.allChannels = allChannelsByDefault;
    }

    /** Every command, key and channel: the check has nothing to look at. */
    boolean unrestricted() {
        return allCommands && allKeys && allChannels && firstArgs.isEmpty();
    }

    Selector copy() {
        Selector s = new Selector(root, allChannels);
        s.allowed.or(allowed);
        s.future = future;
        s.allCommands = allCommands;
        firstArgs.forEach((id, args) -> s.firstArgs.put(id, new ArrayList<>(args)));
        s.allKeys = allKeys;
        s.keys.putAll(keys);
        s.channels.addAll(channels);
        return s;
    }

    /** Applies one selector rule (ACL SETUSER's key, channel and command rules). */
    void apply(String op, AclCommandSet commands) throws AclRuleException {
        String lower = op.toLowerCase(Locale.ROOT);
        if (lower.equals("allkeys") || op.equals("~*")) {
            allKeys = true;
            keys.clear();
        } else if (lower.equals("resetkeys")) {
            allKeys = false;
            keys.clear();
        } else if (lower.equals("allchannels") || op.equals("&*")) {
            allChannels = true;
            channels.clear();
        } else if (lower.equals("resetchannels")) {
            allChannels = false;
            channels.clear();
        } else if (lower.equals("allcommands") || lower.equals("+@all")) {
            allowed.set(0, commands.size());
            future = true;
            allCommands = true;
            firstArgs.clear();
        } else if (lower.equals("nocommands") || lower.equals("-@all")) {
            allowed.clear();
            future = false;
            allCommands = false;
            firstArgs.clear();
        } else if (op.startsWith("~") || op.startsWith("%")) {
            keyPattern(op);
        } else if (op.startsWith("&")) {
            if (allChannels) {
                throw new AclRuleException(AclRuleException.CHANNEL_AFTER_ALL);
            }
            String pattern = op.substring(1);
            if (hasSpaces(pattern)) {
                throw new AclRuleException(AclRuleException.SYNTAX);
            }
            if (!channels.contains(pattern)) {
                channels.add(pattern);
            }
        } else if (op.length() >= 2 && (op.charAt(0) == '+' || op.charAt(0) == '-') && op.charAt(1) == '@') {
            String category = lower.substring(2);
            if (!AclCommandSet.isCategory(category)) {
                throw new AclRuleException(AclRuleException.UNKNOWN);
            }
            category(commands.topLevel(), category, op.charAt(0) == '+');
        } else if (op.startsWith("+")) {
            allow(op.substring(1), commands);
        } else if (op.startsWith("-")) {
            AclCommandSet.Entry e = commands.lookup(op.substring(1));
            if (e == null) {
                throw new AclRuleException(AclRuleException.UNKNOWN);
            }
            change(e, false);
        } else {
            throw new AclRuleException(AclRuleException.SYNTAX);
        }
    }

    private void keyPattern(String op) throws AclRuleException {
        if (allKeys) {
            throw new AclRuleException(AclRuleException.KEY_AFTER_ALL);
        }
        int flags = 0;
        int offset = 1;
        if (op.charAt(0) == '%') {
            for (; offset < op.length(); offset++) {
                char c = Character.toUpperCase(op.charAt(offset));
                if (c == 'R' && (flags & READ) == 0) {
                    flags |= READ;
                } else if (c == 'W' && (flags & WRITE) == 0) {
                    flags |= WRITE;
                } else if (op.charAt(offset) == '~') {
                    offset++;
                    break;
                } else {
                    throw new AclRuleException(AclRuleException.SYNTAX);
                }
            }
        } else {
            flags = ALL;
        }
        String pattern = op.substring(Math.min(offset, op.length()));
        if (hasSpaces(pattern)) {
            throw new AclRuleException(AclRuleException.SYNTAX);
        }
        keys.merge(pattern, flags, (a, b) -> a | b);
        allKeys = false;
    }

    private void allow(String name, AclCommandSet commands) throws AclRuleException {
        int bar = name.lastIndexOf('|');
        if (bar < 0) {
            AclCommandSet.Entry e = commands.lookup(name);
            if (e == null) {
                throw new AclRuleException(AclRuleException.UNKNOWN);
            }
            change(e, true);
            return;
        }
        AclCommandSet.Entry cmd = commands.lookup(name.substring(0, bar));
        String sub = name.substring(bar + 1);
        if (cmd == null) {
            throw new AclRuleException(AclRuleException.UNKNOWN);
        }
        if (cmd.parent() != null) {
            throw new AclRuleException(AclRuleException.SUBCOMMAND_FIRST_ARG);
        }
        if (sub.isEmpty()) {
            throw new AclRuleException(AclRuleException.SYNTAX);
        }
        if (!cmd.subcommands().isEmpty()) {
            AclCommandSet.Entry e = commands.lookup(name);
            if (e == null) {
                throw new AclRuleException(AclRuleException.UNKNOWN);
            }
            change(e, true);
        } else {
            // Redis's deprecated first-argument rule (+select|0): allowed only with that first argument.
            List<String> args = firstArgs.computeIfAbsent(cmd.id(), k -> new ArrayList<>());
            if (args.stream().noneMatch(a -> a.equalsIgnoreCase(sub))) {
                args.add(sub);
            }
        }
    }

    /** Allows or blocks a command; a container's subcommands follow it. */
    void change(AclCommandSet.Entry e, boolean allow) {
        bit(e.id(), allow);
        firstArgs.remove(e.id());
        for (AclCommandSet.Entry sub : e.subcommands()) {
            bit(sub.id(), allow);
        }
    }

    private void bit(int id, boolean allow) {
        if (allow) {
            allowed.set(id);
        } else {
            allowed.clear(id);
            allCommands = false;
        }
    }

    private void category(List<AclCommandSet.Entry> entries, String category, boolean allow) {
        for (AclCommandSet.Entry e : entries) {
            if (e.in(category)) {
                change(e, allow);
            }
            category(e.subcommands(), category, allow);
        }
    }

    static boolean hasSpaces(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000b' || c == '\f') {
                return true;
            }
        }
        return false;
    }
}
