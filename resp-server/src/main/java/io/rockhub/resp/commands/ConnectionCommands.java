package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.server.ClientSession;
import io.rockhub.resp.server.Hub;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT and CLIENT. */
final class ConnectionCommands {
    private ConnectionCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("ping", -1, "fast", 0, 0, 0, "@fast @connection", ConnectionCommands::ping)
            .tips("request_policy:all_shards response_policy:all_succeeded"))
         .add(of("echo", 2, "loading stale fast", 0, 0, 0, "@fast @connection", ConnectionCommands::echo))
         .add(of("hello", -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection",
                 ConnectionCommands::hello))
         .add(of("auth", -2, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection",
                 ConnectionCommands::auth))
         .add(of("select", 2, "loading stale fast", 0, 0, 0, "@fast @connection", ConnectionCommands::select))
         .add(of("reset", 1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection",
                 a -> ConnectionCommands::reset))
         .add(of("quit", -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection",
                 a -> (ctx, out) -> {
                     out.ok();
                     ctx.session().requestClose();
                 }))
         .add(container("client", -2, "", "@slow",
                 of("id", 2, "noscript loading stale", 0, 0, 0, "@slow @connection",
                         a -> (ctx, out) -> out.integer(ctx.session().id())),
                 of("setname", 3, "noscript loading stale", 0, 0, 0, "@slow @connection", ConnectionCommands::setname),
                 of("getname", 2, "noscript loading stale", 0, 0, 0, "@slow @connection",
                         a -> (ctx, out) -> out.bulk(ctx.session().name().isEmpty() ? null : ctx.session().name())),
                 of("list", -2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection",
                         ConnectionCommands::list)
                     .tips("nondeterministic_output"),
                 of("info", 2, "noscript loading stale", 0, 0, 0, "@slow @connection",
                         a -> (ctx, out) -> out.verbatim(ctx.session().describe(ctx.hub().clock().millis()) + "\n"))
                     .tips("nondeterministic_output"),
                 of("setinfo", 4, "noscript loading stale", 0, 0, 0, "@slow @connection", ConnectionCommands::setinfo),
                 of("kill", -3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection",
                         ConnectionCommands::kill),
                 of("no-evict", 3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection",
                         a -> onOff(a, (ctx, on) -> ctx.session().noEvict(on))),
                 of("no-touch", 3, "noscript loading stale", 0, 0, 0, "@slow @connection",
                         a -> onOff(a, (ctx, on) -> ctx.session().noTouch(on))),
                 of("reply", 3, "noscript loading stale", 0, 0, 0, "@slow @connection", ConnectionCommands::reply),
                 of("pause", -3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection",
                         ConnectionCommands::pause),
                 io.rockhub.resp.tracking.TrackingCommands.subcommands().get(0),
                 io.rockhub.resp.tracking.TrackingCommands.subcommands().get(1),
                 io.rockhub.resp.tracking.TrackingCommands.subcommands().get(2),
                 io.rockhub.resp.tracking.TrackingCommands.subcommands().get(3),
                 of("unpause", 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection",
                         a -> (ctx, out) -> {
                             ctx.hub().clientPause().unpause();
                             out.ok();
                         }),
                 of("help", 2, "loading stale", 0, 0, 0, "@slow @connection", a -> (ctx, out) ->
                         HelpText.write(out, "CLIENT",
                                 "GETNAME", "    Return the name of the current connection.",
                                 "ID", "    Return the ID of the current connection.",
                                 "INFO", "    Return information about the current client connection.",
                                 "KILL <ip:port>", "    Kill connection made from <ip:port>.",
                                 "KILL <option> <value> [<option> <value> [...]]",
                                 "    Kill connections. Options are: ID, ADDR, LADDR, SKIPME.",
                                 "LIST [options ...]", "    Return information about client connections.",
                                 "NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
                                 "NO-TOUCH (ON|OFF)",
                                 "    While on, this connection's commands leave keys' idle time alone (TOUCH still touches).",
                                 "PAUSE <timeout> [WRITE|ALL]",
                                 "    Suspend all, or just write, clients for <timeout> milliseconds.",
                                 "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
                                 "SETINFO <option> <value>", "    Set client meta attr (LIB-NAME, LIB-VER).",
                                 "SETNAME <name>", "    Assign the name <name> to the current connection.",
                                 "UNPAUSE", "    Stop the current client pause, resuming traffic."))));
    }

    /** A CLIENT subcommand taking ON or OFF. */
    private static Execution onOff(Args a, java.util.function.BiConsumer<io.rockhub.resp.command.CommandContext, Boolean> set)
            throws CommandError {
        boolean on;
        if (a.is(2, "ON")) {
            on = true;
        } else if (a.is(2, "OFF")) {
            on = false;
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        return (ctx, out) -> {
            set.accept(ctx, on);
            out.ok();
        };
    }

    /** CLIENT REPLY ON | OFF | SKIP: OFF and SKIP answer nothing themselves. */
    private static Execution reply(Args a) throws CommandError {
        String mode = a.option(2);
        if (!mode.equals("ON") && !mode.equals("OFF") && !mode.equals("SKIP")) {
            throw new CommandError(Errors.SYNTAX);
        }
        return (ctx, out) -> {
            io.rockhub.resp.server.ClientSession s = ctx.session();
            switch (mode) {
                case "ON" -> {
                    s.replyMode(io.rockhub.resp.server.ClientSession.ReplyMode.ON);
                    out.ok();
                }
                case "OFF" -> s.replyMode(io.rockhub.resp.server.ClientSession.ReplyMode.OFF);
                default -> {
                    if (s.replyMode() != io.rockhub.resp.server.ClientSession.ReplyMode.OFF) {
                        s.replyMode(io.rockhub.resp.server.ClientSession.ReplyMode.SKIP_NEXT);
                    }
                }
            }
        };
    }

    /** CLIENT PAUSE timeout [WRITE | ALL]. */
    private static Execution pause(Args a) throws CommandError {
        if (a.size() > 4) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '" + a.string(1)
                    + "'. Try CLIENT HELP.");
        }
        boolean all = true;
        if (a.size() == 4) {
            if (a.is(3, "WRITE")) {
                all = false;
            } else if (!a.is(3, "ALL")) {
                throw new CommandError("ERR CLIENT PAUSE mode must be WRITE or ALL");
            }
        }
        Long timeout = io.rockhub.core.util.Numbers.parseLong(a.bytes(2));
        if (timeout == null) {
            throw new CommandError("ERR timeout is not an integer or out of range");
        }
        if (timeout < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        boolean everything = all;
        return (ctx, out) -> {
            ctx.hub().clientPause().pause(ctx.hub().clock().millis() + timeout, everything);
            out.ok();
        };
    }

    private static Execution ping(Args a) throws CommandError {
        if (a.size() > 2) {
            throw new CommandError(Errors.wrongArity("ping"));
        }
        byte[] message = a.size() == 2 ? a.bytes(1) : null;
        return (ctx, out) -> {
            if (ctx.session().inSubscribedMode()) {
                io.rockhub.resp.pubsub.PubSubCommands.pongInSubscribedMode(out, message);
            } else if (message == null) {
                out.simple("PONG");
            } else {
                out.bulk(message);
            }
        };
    }

    private static Execution echo(Args a) {
        byte[] message = a.bytes(1);
        return (ctx, out) -> out.bulk(message);
    }

    /** HELLO [protover [AUTH username password] [SETNAME clientname]]. */
    private static Execution hello(Args a) throws CommandError {
        int version = 0;
        int i = 1;
        if (a.size() >= 2) {
            Long v = io.rockhub.core.util.Numbers.parseLong(a.bytes(1));
            if (v == null) {
                throw new CommandError(Errors.PROTO_NOT_INTEGER);
            }
            if (v < 2 || v > 3) {
                throw new CommandError(Errors.NOPROTO);
            }
            version = v.intValue();
            i = 2;
        }
        byte[] user = null;
        byte[] pass = null;
        String name = null;
        for (; i < a.size(); i++) {
            int more = a.size() - 1 - i;
            if (a.is(i, "AUTH") && more >= 2) {
                user = a.bytes(i + 1);
                pass = a.bytes(i + 2);
                i += 2;
            } else if (a.is(i, "SETNAME") && more >= 1) {
                name = a.string(i + 1);
                validateName(name);
                i++;
            } else {
                throw new CommandError("ERR Syntax error in HELLO option '" + a.string(i) + "'");
            }
        }
        int proto = version;
        byte[] username = user;
        byte[] password = pass;
        String clientName = name;
        String verb = a.string(0);
        return (ctx, out) -> {
            ClientSession s = ctx.session();
            if (username != null && !logIn(ctx, new String(username, StandardCharsets.ISO_8859_1), password, verb)) {
                out.error(Errors.WRONGPASS);
                return;
            }
            if (s.authRequired()) {
                out.error(Errors.HELLO_NOAUTH);
                return;
            }
            if (clientName != null) {
                s.name(clientName);
            }
            if (proto != 0) {
                s.protocol(proto);
                out.protocol(proto);
            }
            out.map(7);
            out.bulk("server").bulk("redis");
            out.bulk("version").bulk(Hub.REDIS_COMPATIBLE_VERSION);
            out.bulk("proto").integer(s.protocol());
            out.bulk("id").integer(s.id());
            out.bulk("mode").bulk("standalone");
            out.bulk("role").bulk("master");
            out.bulk("modules").array(0);
        };
    }

    /** AUTH [username] password. */
    private static Execution auth(Args a) throws CommandError {
        if (a.size() > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        String user = a.size() == 3 ? new String(a.bytes(1), StandardCharsets.ISO_8859_1) : null;
        byte[] pass = a.bytes(a.size() - 1);
        String verb = a.string(0);
        return (ctx, out) -> {
            if (user == null && ctx.hub().acl().defaultUser().nopass()) {
                out.error(Errors.AUTH_NOT_CONFIGURED);
                return;
            }
            if (logIn(ctx, user == null ? "default" : user, pass, verb)) {
                out.ok();
            } else {
                out.error(Errors.WRONGPASS);
            }
        };
    }

    /**
     * Authenticates the connection as {@code user}: true, or false with the failure in ACL LOG
     * (reason auth, the command as typed for object), as Redis.
     */
    static boolean logIn(io.rockhub.resp.command.CommandContext ctx, String user, byte[] password, String verb) {
        io.rockhub.resp.acl.User u = ctx.hub().acl().authenticate(user, password);
        if (u != null) {
            ctx.session().user(u);
            ctx.session().authenticated(true);
            return true;
        }
        ctx.hub().acl().log().add(io.rockhub.resp.acl.Acl.Reason.AUTH,
                ctx.session().transaction().inMulti() ? "multi" : "toplevel", verb, user,
                ctx.session().describe(ctx.hub().clock().millis()));
        return false;
    }

    /**
     * RESET: the connection as if just opened: MULTI discarded, WATCH dropped, RESP2, no name, and
     * (with a password set) no longer authenticated, database 0; answers +RESET.
     */
    private static void reset(io.rockhub.resp.command.CommandContext ctx, io.rockhub.resp.protocol.RespWriter out) {
        io.rockhub.resp.server.ClientSession s = ctx.session();
        s.transaction().end();
        ctx.hub().watches().unwatchAll(s);
        if (s.subscriberIfAny() != null) {
            ctx.hub().pubsub().unsubscribeAll(s.subscriberIfAny());
            ctx.hub().monitors().remove(s.subscriberIfAny());
        }
        s.monitoring(false);
        ctx.hub().tracking().disable(s.id(), s.tracking());
        s.name("");
        s.db(0);
        s.protocol(2);
        out.protocol(2);
        s.authenticated(false);
        s.user(ctx.hub().acl().defaultUser());
        out.simple("RESET");
    }

    private static Execution select(Args a) throws CommandError {
        long db = a.longAt(1);
        return (ctx, out) -> {
            if (db != 0 && ctx.hub().cluster().enabled()) {
                out.error("ERR SELECT is not allowed in cluster mode");
                return;
            }
            if (db < 0 || db >= ctx.hub().databaseCount()) {
                out.error(Errors.DB_OUT_OF_RANGE);
                return;
            }
            ctx.session().db((int) db);
            out.ok();
        };
    }

    private static void validateName(String name) throws CommandError {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '!' || c > '~') {
                throw new CommandError(Errors.CLIENT_NAME_SPACES);
            }
        }
    }

    private static Execution setname(Args a) throws CommandError {
        String name = a.string(2);
        validateName(name);
        return (ctx, out) -> {
            ctx.session().name(name);
            out.ok();
        };
    }

    private static Execution setinfo(Args a) throws CommandError {
        String attr = a.option(2);
        String value = a.string(3);
        if (!attr.equals("LIB-NAME") && !attr.equals("LIB-VER")) {
            throw new CommandError("ERR Unrecognized option '" + a.string(2) + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
                throw new CommandError("ERR " + a.string(2).toLowerCase(java.util.Locale.ROOT)
                        + " cannot contain spaces, newlines or special characters.");
            }
        }
        return (ctx, out) -> {
            if (attr.equals("LIB-NAME")) {
                ctx.session().libName(value);
            } else {
                ctx.session().libVersion(value);
            }
            out.ok();
        };
    }

    /** CLIENT LIST [TYPE normal] [ID id ...]. */
    private static Execution list(Args a) throws CommandError {
        List<Long> ids = new ArrayList<>();
        for (int i = 2; i < a.size(); i++) {
            if (a.is(i, "TYPE") && i + 1 < a.size()) {
                String type = a.string(++i).toLowerCase(java.util.Locale.ROOT);
                if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                    throw new CommandError("ERR Unknown client type '" + type + "'");
                }
            } else if (a.is(i, "ID") && i + 1 < a.size()) {
                for (i = i + 1; i < a.size(); i++) {
                    Long id = io.rockhub.core.util.Numbers.parseLong(a.bytes(i));
                    if (id == null || id <= 0) {
                        throw new CommandError("ERR Invalid client ID");
                    }
                    ids.add(id);
                }
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        return (ctx, out) -> {
            long now = ctx.hub().clock().millis();
            StringBuilder sb = new StringBuilder();
            for (ClientSession s : ctx.hub().clients().all()) {
                if (ids.isEmpty() || ids.contains(s.id())) {
                    sb.append(s.describe(now)).append('\n');
                }
            }
            out.verbatim(sb.toString());
        };
    }

    /** CLIENT KILL ip:port | CLIENT KILL [ID id] [ADDR ip:port] [LADDR ip:port] [USER name] [SKIPME yes/no]. */
    private static Execution kill(Args a) throws CommandError {
        if (a.size() == 3) {
            String addr = a.string(2);
            return (ctx, out) -> {
                for (ClientSession s : ctx.hub().clients().all()) {
                    if (s.address().equals(addr)) {
                        killClient(ctx, s);
                        out.ok();
                        return;
                    }
                }
                out.error(Errors.NO_SUCH_CLIENT);
            };
        }
        Long id = null;
        String addr = null;
        String laddr = null;
        String user = null;
        boolean skipMe = true;
        for (int i = 2; i < a.size(); i += 2) {
            if (i + 1 >= a.size()) {
                throw new CommandError(Errors.SYNTAX);
            }
            switch (a.option(i)) {
                case "ID" -> {
                    id = io.rockhub.core.util.Numbers.parseLong(a.bytes(i + 1));
                    if (id == null || id <= 0) {
                        throw new CommandError("ERR client-id should be greater than 0");
                    }
                }
                case "ADDR" -> addr = a.string(i + 1);
                case "LADDR" -> laddr = a.string(i + 1);
                case "USER" -> user = new String(a.bytes(i + 1), StandardCharsets.ISO_8859_1);
                case "TYPE" -> { }
                case "SKIPME" -> {
                    if (a.is(i + 1, "yes")) {
                        skipMe = true;
                    } else if (a.is(i + 1, "no")) {
                        skipMe = false;
                    } else {
                        throw new CommandError(Errors.SYNTAX);
                    }
                }
                default -> throw new CommandError(Errors.SYNTAX);
            }
        }
        Long byId = id;
        String byAddr = addr;
        String byLaddr = laddr;
        String byUser = user;
        boolean skip = skipMe;
        return (ctx, out) -> {
            io.rockhub.resp.acl.User u = byUser == null ? null : ctx.hub().acl().user(byUser);
            if (byUser != null && u == null) {
                out.error("ERR No such user '" + byUser + "'");
                return;
            }
            int killed = 0;
            for (ClientSession s : ctx.hub().clients().all()) {
                if ((byId != null && s.id() != byId) || (byAddr != null && !s.address().equals(byAddr))
                        || (byLaddr != null && !s.localAddress().equals(byLaddr))
                        || (u != null && s.user() != u)
                        || (skip && s == ctx.session())) {
                    continue;
                }
                killClient(ctx, s);
                killed++;
            }
            out.integer(killed);
        };
    }

    private static void killClient(CommandContext ctx, ClientSession s) {
        if (s == ctx.session()) {
            s.requestClose();
        } else {
            s.channel().close();
        }
    }

}
