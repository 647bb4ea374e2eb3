package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.config.ConfigException;
import io.rockhub.core.config.HubConfig;
import io.rockhub.core.util.DurableFiles;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Server commands: INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, SHUTDOWN and CONFIG. */
final class ServerCommands {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServerCommands.class);

    private ServerCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("info", -1, "loading stale", 0, 0, 0, "@slow @dangerous", ServerCommands::info)
            .tips("nondeterministic_output request_policy:all_shards response_policy:special"))
         .add(of("dbsize", 1, "readonly fast", 0, 0, 0, "@keyspace @read @fast",
                 a -> (ctx, out) -> out.integer(ctx.hub().keys().size(ctx.hub().namespace(ctx.session()))))
             .tips("request_policy:all_shards response_policy:agg_sum"))
         .add(of("flushdb", -1, "write", 0, 0, 0, "@keyspace @write @slow @dangerous", a -> flush(a, true))
             .tips("request_policy:all_shards response_policy:all_succeeded"))
         .add(of("flushall", -1, "write", 0, 0, 0, "@keyspace @write @slow @dangerous", a -> flush(a, false))
             .tips("request_policy:all_shards response_policy:all_succeeded"))
         .add(of("lolwut", -1, "readonly fast", 0, 0, 0, "@read @fast", ServerCommands::lolwut))
         .add(of("debug", -2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", ServerCommands::debug))
         .add(of("swapdb", 3, "write fast", 0, 0, 0, "@keyspace @write @fast @dangerous", ServerCommands::swapdb))
         .add(of("time", 1, "loading stale fast", 0, 0, 0, "@fast", a -> (ctx, out) -> {
             long micros = ctx.hub().clock().micros();
             out.array(2).bulk(Long.toString(micros / 1_000_000)).bulk(Long.toString(micros % 1_000_000));
         })
             .tips("nondeterministic_output"))
         .add(of("shutdown", -1, "admin noscript loading stale no_multi allow_busy", 0, 0, 0,
                 "@admin @slow @dangerous", ServerCommands::shutdown))
         .add(container("config", -2, "", "@slow",
                 of("get", -3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous",
                         ServerCommands::configGet),
                 of("set", -4, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous",
                         ServerCommands::configSet)
                     .tips("request_policy:all_nodes response_policy:all_succeeded"),
                 of("resetstat", 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous",
                         a -> (ctx, out) -> {
                             ctx.hub().stats().reset();
                             out.ok();
                         }),
                 of("rewrite", 2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous",
                         ServerCommands::configRewrite),
                 of("help", 2, "loading stale", 0, 0, 0, "@slow", a -> (ctx, out) ->
                         HelpText.write(out, "CONFIG",
                                 "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                                 "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                                 "RESETSTAT", "    Reset statistics reported by the INFO command.",
                                 "REWRITE", "    Rewrite the configuration file."))));
    }

    private static Execution info(Args a) {
        List<String> sections = new ArrayList<>();
        for (int i = 1; i < a.size(); i++) {
            sections.add(a.string(i).toLowerCase(Locale.ROOT));
        }
        return (ctx, out) -> out.verbatim(InfoReport.render(ctx.hub(), sections));
    }

    /** FLUSHALL / FLUSHDB [ASYNC | SYNC]: range deletions, O(1) either way, so both modes are the same. */
    private static Execution flush(Args a, boolean oneDatabase) throws CommandError {
        if (a.size() > 2 || (a.size() == 2 && !a.is(1, "ASYNC") && !a.is(1, "SYNC"))) {
            throw new CommandError(Errors.SYNTAX);
        }
        return (ctx, out) -> {
            if (oneDatabase) {
                ctx.hub().keys().flushNamespace(ctx.hub().namespace(ctx.session()));
            } else {
                ctx.hub().keys().flushAll();
            }
            out.ok();
        };
    }

    /** LOLWUT [VERSION v]: a little art and the Redis version we answer as. */
    private static Execution lolwut(Args a) throws CommandError {
        long version = 6;
        for (int i = 1; i < a.size(); i++) {
            if (a.is(i, "VERSION") && i + 1 < a.size()) {
                version = a.longAt(++i);
            }
        }
        String art = version == 5
                ? "\u2580\u2584\u2580\u2584\u2580\u2584\n\u2584\u2580\u2584\u2580\u2584\u2580\n\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. "
                : "\u2588\u2588\u2591\u2591\u2588\u2588\n\u2591\u2591\u2588\u2588\u2591\u2591\n\nRedis ver. ";
        String text = art + io.rockhub.resp.server.Hub.REDIS_COMPATIBLE_VERSION + "\n";
        return (ctx, out) -> out.verbatim(text);
    }

    /**
     * DEBUG, as Redis guards it with {@code enable-debug-command} (no / yes / local): SLEEP seconds,
     * OBJECT key, CHANGE-REPL-ID, HELP. The other DEBUG subcommands inspect Redis's memory layout.
     */
    private static Execution debug(Args a) {
        return (ctx, out) -> {
            String mode = ctx.hub().config().get("enable-debug-command");
            boolean local = ctx.session().address().startsWith("127.") || ctx.session().address().startsWith("0:0:0:0:0:0:0:1");
            if (!mode.equals("yes") && !(mode.equals("local") && local)) {
                out.error("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
                        + "you can run it from a local connection, otherwise you need to set this option in the "
                        + "configuration file, and then restart the server.");
                return;
            }
            switch (a.option(1)) {
                case "SLEEP" -> {
                    Double seconds = io.rockhub.core.util.Numbers.parseScore(a.size() > 2 ? a.bytes(2) : new byte[0], true);
                    if (seconds != null && seconds > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos((long) (seconds * 1e9));
                    }
                    out.ok();
                }
                case "OBJECT" -> {
                    io.rockhub.core.encoding.Metadata m = a.size() > 2 ? ctx.hub().keys().live(a.bytes(2)) : null;
                    if (m == null) {
                        out.error("ERR no such key");
                        return;
                    }
                    out.simple("Value at:0x0 refcount:1 encoding:" + KeyCommands.encodingOf(m) + " serializedlength:"
                            + (m.encode().length) + " lru:0 lru_seconds_idle:0");
                }
                case "CHANGE-REPL-ID" -> out.ok();
                case "HELP" -> HelpText.write(out, "DEBUG",
                        "CHANGE-REPL-ID", "    Change the replication IDs of the instance.",
                        "OBJECT <key>", "    Show low level info about the <key> and associated value.",
                        "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed.");
                default -> out.error("ERR unknown subcommand '" + a.string(1) + "'. Try DEBUG HELP.");
            }
        };
    }

    /** SWAPDB index1 index2: clients of either database see the other's data from now on. */
    private static Execution swapdb(Args a) {
        return io.rockhub.resp.cluster.ClusterCommands.refusedInClusterMode("ERR SWAPDB is not allowed in cluster mode",
                () -> swapdbParsed(a));
    }

    private static Execution swapdbParsed(Args a) throws CommandError {
        Long first = io.rockhub.core.util.Numbers.parseLong(a.bytes(1));
        if (first == null) {
            throw new CommandError("ERR invalid first DB index");
        }
        Long second = io.rockhub.core.util.Numbers.parseLong(a.bytes(2));
        if (second == null) {
            throw new CommandError("ERR invalid second DB index");
        }
        return (ctx, out) -> {
            int count = ctx.hub().databaseCount();
            if (first < 0 || first >= count || second < 0 || second >= count) {
                out.error(Errors.DB_OUT_OF_RANGE);
                return;
            }
            if (!first.equals(second)) {
                ctx.hub().swapDatabases(first.intValue(), second.intValue());
            }
            out.ok();
        };
    }

    /** SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE]: data is always durable, so the options change nothing. */
    private static Execution shutdown(Args a) throws CommandError {
        for (int i = 1; i < a.size(); i++) {
            switch (a.option(i)) {
                case "NOSAVE", "SAVE", "NOW", "FORCE" -> { }
                case "ABORT" -> throw new CommandError("ERR No shutdown in progress.");
                default -> throw new CommandError(Errors.SYNTAX);
            }
        }
        return (ctx, out) -> {
            ctx.session().requestClose();
            ctx.hub().requestShutdown();
        };
    }

    private static Execution configGet(Args a) {
        List<String> patterns = new ArrayList<>();
        for (int i = 2; i < a.size(); i++) {
            patterns.add(a.string(i));
        }
        return (ctx, out) -> {
            Map<String, String> found = new LinkedHashMap<>();
            for (String p : patterns) {
                for (Map.Entry<String, String> e : ctx.hub().config().matching(p)) {
                    found.putIfAbsent(e.getKey(), e.getValue());
                }
            }
            out.map(found.size());
            for (Map.Entry<String, String> e : found.entrySet()) {
                out.bulk(e.getKey()).bulk(e.getValue());
            }
        };
    }

    /** CONFIG SET parameter value [parameter value ...], all or nothing. */
    private static Execution configSet(Args a) throws CommandError {
        if (a.size() % 2 != 0) {
            throw new CommandError(Errors.wrongArity("config|set"));
        }
        Map<String, String> changes = new LinkedHashMap<>();
        for (int i = 2; i < a.size(); i += 2) {
            String key = a.string(i);
            if (!HubConfig.isKnown(key)) {
                throw new CommandError("ERR Unknown option or number of arguments for CONFIG SET - '" + key + "'");
            }
            if (changes.put(key.toLowerCase(Locale.ROOT), a.string(i + 1)) != null) {
                throw new CommandError("ERR CONFIG SET failed (possibly related to argument '" + key
                        + "') - duplicate parameter");
            }
        }
        return (ctx, out) -> {
            HubConfig config = ctx.hub().config();
            try {
                for (Map.Entry<String, String> c : changes.entrySet()) {
                    config.check(c.getKey(), c.getValue());
                }
                Map<String, String> before = new LinkedHashMap<>();
                for (Map.Entry<String, String> c : changes.entrySet()) {
                    String name = HubConfig.canonicalName(c.getKey());
                    before.put(name, config.get(name));
                    config.set(c.getKey(), c.getValue());
                }
                String tlsKey = changes.keySet().stream().filter(k -> k.startsWith("tls-")).findFirst().orElse(null);
                if (tlsKey != null) {
                    try {
                        ctx.hub().tls().reload();
                    } catch (io.rockhub.resp.tls.TlsSetupException e) {
                        LOG.warn("Failed applying new configuration (possibly related to new {} setting): {}."
                                + " Restoring previous settings.", tlsKey, e.getMessage());
                        for (Map.Entry<String, String> b : before.entrySet()) {
                            config.set(b.getKey(), b.getValue());
                        }
                        throw new ConfigException(tlsKey, e.reply());
                    }
                }
                out.ok();
            } catch (ConfigException e) {
                out.error("ERR CONFIG SET failed (possibly related to argument '" + e.key() + "') - " + e.getMessage());
            }
        };
    }

    private static Execution configRewrite(Args a) {
        return (ctx, out) -> {
            HubConfig config = ctx.hub().config();
            if (config.file().isEmpty()) {
                out.error("ERR The server is running without a config file");
                return;
            }
            Path file = config.file().get();
            try {
                // Users go into the config file unless an ACL file keeps them, as Redis rewrites them.
                List<String> users = new ArrayList<>();
                if (config.get("aclfile").isEmpty()) {
                    io.rockhub.resp.acl.Acl acl = ctx.hub().acl();
                    for (io.rockhub.resp.acl.User u : acl.users()) {
                        users.add(u.name() + " " + acl.describe(u));
                    }
                }
                DurableFiles.replace(file, config.render(users).getBytes(StandardCharsets.ISO_8859_1));
                out.ok();
            } catch (IOException e) {
                out.error("ERR Rewriting config file: " + e.getMessage());
            }
        };
    }
}
