package io.rockhub.resp.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * An ACL user, as Redis 7.0 keeps one: on or off, its passwords as SHA-256 hex (never the clear
 * text), nopass, the payload-sanitizing flags, a root selector and any others. Changed only as a
 * copy (ACL SETUSER applies every rule to a copy and keeps it if all of them apply).
 */
public final class User {
    private final String name;
    volatile boolean enabled;
    volatile boolean nopass;
    /** Redis prints sanitize-payload / skip-sanitize-payload once either was set. */
    Boolean sanitizePayload;
    final LinkedHashSet<String> passwords = new LinkedHashSet<>();
    /**
     * Root first. A published user's list is never changed in place: ACL SETUSER builds a new one,
     * so the checks on every command read it without a lock.
     */
    volatile List<Selector> selectors = new ArrayList<>();

    User(String name, boolean allChannelsByDefault) {
        this.name = name;
        selectors.add(new Selector(true, allChannelsByDefault));
    }

    public String name() {
        return name;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean nopass() {
        return nopass;
    }

    Selector root() {
        return selectors.get(0);
    }

    /** A staged copy to apply rules to. */
    User copy(String newName) {
        User u = new User(newName, false);
        u.takeRulesOf(this);
        return u;
    }

    /** Takes every rule of {@code other} (its name stays). */
    void takeRulesOf(User other) {
        passwords.clear();
        passwords.addAll(other.passwords);
        enabled = other.enabled;
        nopass = other.nopass;
        sanitizePayload = other.sanitizePayload;
        List<Selector> next = new ArrayList<>();
        for (Selector s : other.selectors) {
            next.add(s.copy());
        }
        selectors = next;
    }

    /** Applies one ACL SETUSER rule; selector rules go to the root selector. */
    void apply(String op, AclCommandSet commands, boolean allChannelsByDefault) throws AclRuleException {
        if (op.isEmpty()) {
            return;
        }
        String lower = op.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "on" -> enabled = true;
            case "off" -> enabled = false;
            case "skip-sanitize-payload" -> sanitizePayload = false;
            case "sanitize-payload" -> sanitizePayload = true;
            case "nopass" -> {
                nopass = true;
                passwords.clear();
            }
            case "resetpass" -> {
                nopass = false;
                passwords.clear();
            }
            case "clearselectors" -> selectors.subList(1, selectors.size()).clear();
            case "reset" -> {
                apply("resetpass", commands, allChannelsByDefault);
                apply("resetkeys", commands, allChannelsByDefault);
                apply("resetchannels", commands, allChannelsByDefault);
                if (allChannelsByDefault) {
                    apply("allchannels", commands, allChannelsByDefault);
                }
                apply("off", commands, allChannelsByDefault);
                apply("sanitize-payload", commands, allChannelsByDefault);
                apply("clearselectors", commands, allChannelsByDefault);
                apply("-@all", commands, allChannelsByDefault);
            }
            default -> {
                char c = op.charAt(0);
                if (c == '>' || c == '#') {
                    String hash = c == '>' ? hash(op.substring(1)) : checkedHash(op.substring(1));
                    passwords.add(hash);
                    nopass = false;
                } else if (c == '<' || c == '!') {
                    String hash = c == '<' ? hash(op.substring(1)) : checkedHash(op.substring(1));
                    if (!passwords.remove(hash)) {
                        throw new AclRuleException(AclRuleException.NO_SUCH_PASSWORD);
                    }
                } else if (c == '(' && op.charAt(op.length() - 1) == ')') {
                    Selector s = new Selector(false, allChannelsByDefault);
                    for (String inner : Acl.splitArgs(op.substring(1, op.length() - 1))) {
                        s.apply(inner, commands);
                    }
                    selectors.add(s);
                } else {
                    root().apply(op, commands);
                }
            }
        }
    }

    private static String checkedHash(String hash) throws AclRuleException {
        if (hash.length() != 64) {
            throw new AclRuleException(AclRuleException.BAD_HASH);
        }
        for (int i = 0; i < hash.length(); i++) {
            char ch = hash.charAt(i);
            if ((ch < 'a' || ch > 'f') && (ch < '0' || ch > '9')) {
                throw new AclRuleException(AclRuleException.BAD_HASH);
            }
        }
        return hash;
    }

    /** SHA-256 of the password's bytes (as the client sent them, ISO-8859-1 round trip), in lowercase hex. */
    static String hash(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code password} logs this user in (compared by hash, in constant time). */
    boolean accepts(byte[] password) {
        if (!enabled) {
            return false;
        }
        if (nopass) {
            return true;
        }
        byte[] given = hash(new String(password, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (String p : passwords) {
            ok |= MessageDigest.isEqual(given, p.getBytes(StandardCharsets.US_ASCII));
        }
        return ok;
    }
}
