package io.rockhub.resp.acl;

import io.rockhub.resp.protocol.RespWriter;
import io.rockhub.resp.server.Hub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACL file ({@code aclfile}): ACL SAVE writes every user as ACL LIST prints it, ACL LOAD (and
 * the start) reads it back, all users or none, with Redis's messages for each bad line.
 */
public final class AclFile {
    private static final Logger LOG = LoggerFactory.getLogger(AclFile.class);
    static final String NOT_CONFIGURED = "ERR This Redis instance is not configured to use an ACL file. You may want to"
            + " specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis"
            + " configuration file set) in order to store users in the Redis configuration.";

    private AclFile() {
    }

    static void save(Hub hub, RespWriter out) {
        String file = hub.config().get("aclfile");
        if (file.isEmpty()) {
            out.error(NOT_CONFIGURED);
            return;
        }
        Acl acl = hub.acl();
        StringBuilder sb = new StringBuilder();
        for (User u : acl.users()) {
            sb.append("user ").append(u.name()).append(' ').append(acl.describe(u)).append('\n');
        }
        Path target = Path.of(file);
        Path tmp = Path.of(file + ".tmp-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis());
        try {
            Files.writeString(tmp, sb, StandardCharsets.ISO_8859_1);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out.ok();
        } catch (IOException e) {
            LOG.warn("ACL SAVE to {} failed: {}", file, e.toString());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file stays; the log names the failure
            }
            out.error("ERR There was an error trying to save the ACLs. Please check the server logs for more information");
        }
    }

    static void load(Hub hub, RespWriter out) {
        String file = hub.config().get("aclfile");
        if (file.isEmpty()) {
            out.error(NOT_CONFIGURED);
            return;
        }
        Loaded loaded = load(hub.acl(), file);
        if (loaded.errors() != null) {
            out.error("ERR " + loaded.errors());
            return;
        }
        for (User gone : loaded.replaced()) {
            AclClients.disconnect(hub, gone, null);
        }
        out.ok();
    }

    /** What loading a file did: Redis's errors (and nothing changed), or the users it replaced. */
    record Loaded(String errors, List<User> replaced) {
    }

    /** Loads {@code file} into {@code acl}, all users or none. */
    static Loaded load(Acl acl, String file) {
        List<String> lines;
        try {
            lines = Arrays.asList(Files.readString(Path.of(file), StandardCharsets.ISO_8859_1).split("\n", -1));
        } catch (IOException e) {
            return new Loaded("Error loading ACLs, opening file '" + file + "': " + reason(e), List.of());
        }
        StringBuilder errors = new StringBuilder();
        TreeMap<String, User> loaded = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            List<String> argv = new ArrayList<>();
            for (String w : line.split(" ", -1)) {
                argv.add(w);
            }
            if (!argv.get(0).equals("user") || argv.size() < 2) {
                errors.append(file).append(':').append(lineNumber)
                        .append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = argv.get(1);
            if (Selector.hasSpaces(name)) {
                errors.append('\'').append(file).append(':').append(lineNumber).append(": username '").append(name)
                        .append("' contains invalid characters. ");
                continue;
            }
            if (loaded.containsKey(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(lineNumber)
                        .append(". ");
                continue;
            }
            User u = acl.newUser(name);
            loaded.put(name, u);
            Acl.Merged rules = Acl.mergeSelectors(argv.subList(2, argv.size()));
            if (rules.openAt() >= 0) {
                errors.append(file).append(':').append(lineNumber).append(": Unmatched parenthesis in selector definition.");
                continue;
            }
            for (String rule : rules.rules()) {
                try {
                    acl.applyRule(u, rule.strip());
                } catch (AclRuleException e) {
                    errors.append(file).append(':').append(lineNumber).append(": ").append(e.getMessage()).append(". ");
                }
            }
        }
        if (errors.length() > 0) {
            return new Loaded(errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules"
                    + " was performed").toString(), List.of());
        }
        return new Loaded(null, acl.replaceAll(loaded));
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage();
    }
}
