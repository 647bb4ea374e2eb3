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

    /** SWAPDB index1 index2: clients of either database see the other's data from now on. */
    private static Execution swapdb(Args a) throws CommandError {
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
                for (Map.Entry<String, String> c : changes.entrySet()) {
                    config.set(c.getKey(), c.getValue());
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
                DurableFiles.replace(file, config.render().getBytes(StandardCharsets.UTF_8));
                out.ok();
            } catch (IOException e) {
                out.error("ERR Rewriting config file: " + e.getMessage());
            }
        };
    }
}
