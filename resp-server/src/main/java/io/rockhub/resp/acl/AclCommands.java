package io.rockhub.resp.acl;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.RespWriter;
import io.rockhub.resp.server.ClientSession;
import io.rockhub.resp.server.Hub;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** ACL and its subcommands, as Redis 7.0 answers them. */
public final class AclCommands {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AclCommands() {
    }

    public static void register(CommandTable t) {
        String admin = "admin noscript loading stale";
        String adminCategories = "@admin @slow @dangerous";
        t.add(container("acl", -2, "", "@slow",
                of("cat", -2, "noscript loading stale", 0, 0, 0, "@slow", AclCommands::cat),
                of("deluser", -3, admin, 0, 0, 0, adminCategories, AclCommands::delUser),
                of("dryrun", -4, admin, 0, 0, 0, adminCategories, AclCommands::dryRun),
                of("genpass", -2, "noscript loading stale", 0, 0, 0, "@slow", AclCommands::genPass),
                of("getuser", 3, admin, 0, 0, 0, adminCategories, AclCommands::getUser),
                of("list", 2, admin, 0, 0, 0, adminCategories, a -> (ctx, out) -> list(ctx.hub(), out, false)),
                of("load", 2, admin, 0, 0, 0, adminCategories, a -> (ctx, out) -> AclFile.load(ctx.hub(), out)),
                of("log", -2, admin, 0, 0, 0, adminCategories, AclCommands::log),
                of("save", 2, admin, 0, 0, 0, adminCategories, a -> (ctx, out) -> AclFile.save(ctx.hub(), out)),
                of("setuser", -3, admin, 0, 0, 0, adminCategories, AclCommands::setUser),
                of("users", 2, admin, 0, 0, 0, adminCategories, a -> (ctx, out) -> list(ctx.hub(), out, true)),
                of("whoami", 2, "noscript loading stale", 0, 0, 0, "@slow",
                        a -> (ctx, out) -> out.bulk(ctx.session().user().name())),
                of("help", 2, "loading stale", 0, 0, 0, "@slow", a -> (ctx, out) -> help(out))));
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static CommandError syntax(Args a) {
        return new CommandError("ERR unknown subcommand or wrong number of arguments for '" + a.string(1)
                + "'. Try ACL HELP.");
    }

    private static Execution setUser(Args a) {
        String name = latin1(a.bytes(2));
        List<String> rules = new ArrayList<>();
        for (int i = 3; i < a.size(); i++) {
            rules.add(latin1(a.bytes(i)));
        }
        return (ctx, out) -> {
            Acl acl = ctx.hub().acl();
            User existing = acl.user(name);
            Acl.ChannelRules before = existing == null ? null : acl.channelRules(existing);
            String error = acl.setUser(name, rules);
            if (error != null) {
                out.error(error);
                return;
            }
            if (before != null) {
                AclClients.disconnectRevokedSubscribers(ctx.hub(), existing, before);
            }
            out.ok();
        };
    }

    private static Execution delUser(Args a) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < a.size(); i++) {
            names.add(latin1(a.bytes(i)));
        }
        return (ctx, out) -> {
            if (names.contains("default")) {
                out.error("ERR The 'default' user cannot be removed");
                return;
            }
            List<User> removed = ctx.hub().acl().deleteUsers(names);
            for (User u : removed) {
                AclClients.disconnect(ctx.hub(), u, ctx.session());
            }
            out.integer(removed.size());
        };
    }

    private static Execution getUser(Args a) {
        String name = latin1(a.bytes(2));
        return (ctx, out) -> {
            Acl acl = ctx.hub().acl();
            User u = acl.user(name);
            if (u == null) {
                out.nullBulk(); // Redis 7.0 answers a missing user with a null
                return;
            }
            List<String[]> selectors = acl.selectorFields(u);
            out.map(6);
            List<String> flags = acl.flags(u);
            out.bulk("flags").set(flags.size());
            for (String f : flags) {
                out.bulk(f);
            }
            List<String> passwords = acl.passwords(u);
            out.bulk("passwords").array(passwords.size());
            for (String p : passwords) {
                out.bulk(p);
            }
            selector(out, selectors.get(0));
            out.bulk("selectors").array(selectors.size() - 1);
            for (String[] s : selectors.subList(1, selectors.size())) {
                out.map(3);
                selector(out, s);
            }
        };
    }

    private static void selector(RespWriter out, String[] fields) {
        out.bulk("commands").bulk(fields[0]);
        out.bulk("keys").bulk(fields[1]);
        out.bulk("channels").bulk(fields[2]);
    }

    private static void list(Hub hub, RespWriter out, boolean namesOnly) {
        Acl acl = hub.acl();
        java.util.Collection<User> users = acl.users();
        out.array(users.size());
        for (User u : users) {
            out.bulk(namesOnly ? u.name() : "user " + u.name() + " " + acl.describe(u));
        }
    }

    private static Execution cat(Args a) throws CommandError {
        if (a.size() > 3) {
            throw syntax(a);
        }
        String category = a.size() == 3 ? a.string(2) : null;
        return (ctx, out) -> {
            if (category == null) {
                out.array(AclCommandSet.CATEGORIES.size());
                for (String c : AclCommandSet.CATEGORIES) {
                    out.bulk(c);
                }
                return;
            }
            if (!AclCommandSet.isCategory(category)) {
                out.error("ERR Unknown category '" + (category.length() > 128 ? category.substring(0, 128) : category) + "'");
                return;
            }
            List<String> names = new ArrayList<>();
            collect(ctx.hub().acl().commands().topLevel(), category.toLowerCase(java.util.Locale.ROOT), names);
            out.array(names.size());
            for (String n : names) {
                out.bulk(n);
            }
        };
    }

    private static void collect(List<AclCommandSet.Entry> entries, String category, List<String> into) {
        for (AclCommandSet.Entry e : entries) {
            if (e.in(category)) {
                into.add(e.fullName());
            }
            collect(e.subcommands(), category, into);
        }
    }

    private static Execution genPass(Args a) throws CommandError {
        if (a.size() > 3) {
            throw syntax(a);
        }
        long bits = 256;
        if (a.size() == 3) {
            bits = a.longAt(2);
        }
        if (bits <= 0 || bits > 4096) {
            throw new CommandError("ERR ACL GENPASS argument must be the number of bits for the output password,"
                    + " a positive number up to 4096");
        }
        int chars = (int) ((bits + 3) / 4);
        return (ctx, out) -> {
            byte[] random = new byte[(chars + 1) / 2];
            RANDOM.nextBytes(random);
            out.bulk(HexFormat.of().formatHex(random).substring(0, chars));
        };
    }

    private static Execution log(Args a) throws CommandError {
        if (a.size() > 3) {
            throw syntax(a);
        }
        boolean reset = a.size() == 3 && a.string(2).equalsIgnoreCase("reset");
        long count = 10;
        if (a.size() == 3 && !reset) {
            count = Math.max(0, a.longAt(2));
        }
        long n = count;
        return (ctx, out) -> {
            AclLog log = ctx.hub().acl().log();
            if (reset) {
                log.reset();
                out.ok();
                return;
            }
            List<AclLog.Entry> entries = log.latest(n);
            long now = log.now();
            out.array(entries.size());
            for (AclLog.Entry e : entries) {
                out.map(7);
                out.bulk("count").integer(e.count());
                out.bulk("reason").bulk(e.reason());
                out.bulk("context").bulk(e.context());
                out.bulk("object").bulk(e.object());
                out.bulk("username").bulk(e.username());
                out.bulk("age-seconds").doubleValue((now - e.millis()) / 1000.0);
                out.bulk("client-info").bulk(e.clientInfo());
            }
        };
    }

    private static Execution dryRun(Args a) {
        String name = latin1(a.bytes(2));
        List<byte[]> command = new ArrayList<>(a.all().subList(3, a.size()));
        return (ctx, out) -> {
            Acl acl = ctx.hub().acl();
            User u = acl.user(name);
            if (u == null) {
                out.error("ERR User '" + name + "' not found");
                return;
            }
            CommandSpec found = ctx.hub().commands().lookup(command.get(0));
            if (found != null && found.isContainer()) {
                found = command.size() >= 2 ? found.subcommand(latin1(command.get(1))) : null;
            }
            if (found == null || !found.arityOk(command.size())) {
                out.error("ERR Command '" + latin1(command.get(0)) + "' not found");
                return;
            }
            CommandSpec spec = found;
            Acl.Denial d = acl.check(u, spec, command);
            if (d == null) {
                out.ok();
                return;
            }
            out.bulk(switch (d.reason()) {
                case COMMAND -> "This user has no permissions to run the '" + spec.name() + "' command";
                case KEY -> "This user has no permissions to access the '" + latin1(command.get(d.argument())) + "' key";
                default -> "This user has no permissions to access the '" + latin1(command.get(d.argument())) + "' channel";
            });
        };
    }

    private static void help(RespWriter out) {
        io.rockhub.resp.commands.HelpText.write(out, "ACL",
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username.");
    }

    /** The denial's error as the client is told it (Redis's NOPERM texts). */
    public static String noPerm(Acl.Denial d, String fullName) {
        return switch (d.reason()) {
            case COMMAND -> "NOPERM this user has no permissions to run the '" + fullName + "' command";
            case KEY -> "NOPERM this user has no permissions to access one of the keys used as arguments";
            default -> "NOPERM this user has no permissions to access one of the channels used as arguments";
        };
    }

    /** Records a denial in ACL LOG: {@code context} toplevel, multi or lua. */
    public static void logDenial(Hub hub, ClientSession session, Acl.Denial d, String fullName, List<byte[]> argv,
                                 String context) {
        String object = d.reason() == Acl.Reason.COMMAND ? fullName : latin1(argv.get(d.argument()));
        hub.acl().log().add(d.reason(), context, object, session.user().name(), session.describe(hub.clock().millis()));
    }
}
