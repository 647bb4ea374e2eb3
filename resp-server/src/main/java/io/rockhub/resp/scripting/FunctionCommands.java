package io.rockhub.resp.scripting;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.util.Glob;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.commands.HelpText;
import io.rockhub.resp.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** FCALL, FCALL_RO and FUNCTION (LOAD, DELETE, FLUSH, LIST, DUMP, RESTORE, STATS, KILL, HELP), as Redis 7.0. */
public final class FunctionCommands {
    private FunctionCommands() {
    }

    public static void register(CommandTable t) {
        String worst = " // We cannot tell how the keys will be used so we assume the worst, ";
        String all = "request_policy:all_shards response_policy:all_succeeded";
        t.add(of("fcall", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting",
                        a -> fcall(a, false))
                        .keys("RW access update index 2 keynum 0 1 1" + worst + "RW and UPDATE"))
         .add(of("fcall_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0,
                        "@slow @scripting", a -> fcall(a, true))
                        .keys("RO access index 2 keynum 0 1 1" + worst + "RO and ACCESS"))
         .add(container("function", -2, "", "@slow",
                 of("load", -3, "write denyoom noscript", 0, 0, 0, "@write @slow @scripting", FunctionCommands::load)
                         .tips(all),
                 of("delete", 3, "write noscript", 0, 0, 0, "@write @slow @scripting", a -> {
                     String name = a.string(2);
                     return (ctx, out) -> {
                         if (ctx.hub().scripts().deleteLibrary(name)) {
                             out.ok();
                         } else {
                             out.error("ERR Library not found");
                         }
                     };
                 }).tips(all),
                 of("flush", -2, "write noscript", 0, 0, 0, "@write @slow @scripting", a -> {
                     if (a.size() > 3 || (a.size() == 3 && !a.is(2, "ASYNC") && !a.is(2, "SYNC"))) {
                         throw new CommandError(a.size() > 3
                                 ? "ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP."
                                 : "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
                     }
                     return (ctx, out) -> {
                         ctx.hub().scripts().flushLibraries();
                         out.ok();
                     };
                 }).tips(all),
                 of("list", -2, "noscript", 0, 0, 0, "@slow @scripting", FunctionCommands::list)
                         .tips("nondeterministic_output_order"),
                 of("dump", 2, "noscript", 0, 0, 0, "@slow @scripting",
                         a -> (ctx, out) -> out.bulk(ctx.hub().scripts().dumpLibraries())),
                 of("restore", -3, "write denyoom noscript", 0, 0, 0, "@write @slow @scripting",
                         FunctionCommands::restore).tips(all),
                 of("stats", 2, "noscript allow_busy", 0, 0, 0, "@slow @scripting", a -> FunctionCommands::stats)
                         .tips("nondeterministic_output request_policy:all_shards response_policy:special"),
                 of("kill", 2, "noscript allow_busy", 0, 0, 0, "@slow @scripting", a -> ScriptCommands.kill(false))
                         .tips("request_policy:all_shards response_policy:one_succeeded"),
                 of("help", 2, "loading stale", 0, 0, 0, "@slow @scripting", a -> FunctionCommands::help)));
    }

    /** FCALL function numkeys [key ...] [arg ...]. */
    private static Execution fcall(Args a, boolean readOnly) throws CommandError {
        Long numKeys = Numbers.parseLong(a.bytes(2));
        if (numKeys == null) {
            throw new CommandError("ERR Bad number of keys provided");
        }
        if (numKeys < 0) {
            throw new CommandError("ERR Number of keys can't be negative");
        }
        if (numKeys > a.size() - 3) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        }
        byte[] verb = a.bytes(0);
        String name = a.string(1);
        List<byte[]> keys = new ArrayList<>(a.all().subList(3, 3 + (int) (long) numKeys));
        List<byte[]> args = new ArrayList<>(a.all().subList(3 + (int) (long) numKeys, a.size()));
        return (ctx, client) -> ctx.hub().scripts().submit(ctx.session(), client, "function " + name,
                out -> ctx.hub().scripts().callFunction(ctx.session(), verb, name, keys, args, out, readOnly));
    }

    /** FUNCTION LOAD [REPLACE] code. */
    private static Execution load(Args a) throws CommandError {
        boolean replace = false;
        int i = 2;
        for (; i < a.size() - 1; i++) {
            if (a.is(i, "REPLACE")) {
                replace = true;
            } else {
                throw new CommandError("ERR Unknown option given: " + a.string(i));
            }
        }
        if (i >= a.size()) {
            throw new CommandError("ERR Function code is missing");
        }
        byte[] code = a.bytes(i);
        boolean r = replace;
        return (ctx, out) -> {
            Object loaded = ctx.hub().scripts().loadLibrary(code, r);
            if (loaded instanceof Scripts.CommandFailure f) {
                out.error(f.error());
            } else {
                out.bulk((String) loaded);
            }
        };
    }

    /** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]. */
    private static Execution list(Args a) throws CommandError {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < a.size(); i++) {
            if (!withCode && a.is(i, "WITHCODE")) {
                withCode = true;
            } else if (pattern == null && a.is(i, "LIBRARYNAME")) {
                if (i + 1 >= a.size()) {
                    throw new CommandError("ERR library name argument was not given");
                }
                pattern = a.bytes(++i);
            } else {
                throw new CommandError("ERR Unknown argument " + a.string(i));
            }
        }
        boolean code = withCode;
        byte[] glob = pattern;
        return (ctx, out) -> {
            List<FunctionLibrary> libs = new ArrayList<>();
            for (FunctionLibrary lib : ctx.hub().scripts().libraries()) {
                if (glob == null || Glob.matches(glob, lib.name().getBytes(StandardCharsets.UTF_8), false)) {
                    libs.add(lib);
                }
            }
            out.array(libs.size());
            for (FunctionLibrary lib : libs) {
                out.map(code ? 4 : 3);
                out.bulk("library_name").bulk(lib.name());
                out.bulk("engine").bulk("LUA");
                out.bulk("functions").array(lib.functions().size());
                for (FunctionLibrary.Function f : lib.functions()) {
                    out.map(3);
                    out.bulk("name").bulk(f.name());
                    out.bulk("description");
                    if (f.description() == null) {
                        out.nullBulk();
                    } else {
                        out.bulk(f.description());
                    }
                    out.bulk("flags").set(f.flags().size());
                    f.flags().forEach(out::simple);
                }
                if (code) {
                    out.bulk("library_code").bulk(lib.code());
                }
            }
        };
    }

    /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]. */
    private static Execution restore(Args a) throws CommandError {
        if (a.size() > 4) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP.");
        }
        FunctionLibraries.Policy policy = FunctionLibraries.Policy.APPEND;
        if (a.size() == 4) {
            if (a.is(3, "FLUSH")) {
                policy = FunctionLibraries.Policy.FLUSH;
            } else if (a.is(3, "APPEND")) {
                policy = FunctionLibraries.Policy.APPEND;
            } else if (a.is(3, "REPLACE")) {
                policy = FunctionLibraries.Policy.REPLACE;
            } else {
                throw new CommandError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            }
        }
        byte[] payload = a.bytes(2);
        FunctionLibraries.Policy p = policy;
        return (ctx, out) -> {
            String error = ctx.hub().scripts().restoreLibraries(payload, p);
            if (error != null) {
                out.error(error);
            } else {
                out.ok();
            }
        };
    }

    /** FUNCTION STATS: the function running past busy-reply-threshold, if any, and the engine's counts. */
    private static void stats(io.rockhub.resp.command.CommandContext ctx, RespWriter out) {
        Scripts scripts = ctx.hub().scripts();
        if (scripts.busy() && scripts.busyFunction() == null) {
            out.error(Scripts.SLOW_EVAL); // an EVAL script is busy: Redis answers so
            return;
        }
        Scripts.Running running = scripts.busyFunction();
        List<FunctionLibrary> libs = scripts.libraries();
        int functions = libs.stream().mapToInt(l -> l.functions().size()).sum();
        out.map(2);
        out.bulk("running_script");
        if (running == null) {
            out.nullBulk();
        } else {
            out.map(3);
            out.bulk("name").bulk(running.name());
            out.bulk("command").array(running.argv().size());
            running.argv().forEach(out::bulk);
            out.bulk("duration_ms").integer((System.nanoTime() - running.startNanos()) / 1_000_000);
        }
        out.bulk("engines").map(1);
        out.bulk("LUA").map(2);
        out.bulk("libraries_count").integer(libs.size());
        out.bulk("functions_count").integer(functions);
    }

    private static void help(io.rockhub.resp.command.CommandContext ctx, RespWriter out) {
        HelpText.write(out, "FUNCTION",
                "LOAD [REPLACE] <FUNCTION CODE>",
                "    Create a new library with the given library name and code.",
                "DELETE <LIBRARY NAME>",
                "    Delete the given library.",
                "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                "    Return general information on all the libraries:",
                "    * Library name",
                "    * The engine used to run the Library",
                "    * Library description",
                "    * Functions list",
                "    * Library code (if WITHCODE is given)",
                "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                "STATS",
                "    Return information about the current function running:",
                "    * Function name",
                "    * Command used to run the function",
                "    * Duration in MS that the function is running",
                "    If no function is running, return nil",
                "    In addition, returns a list of available engines.",
                "KILL",
                "    Kill the current running function.",
                "FLUSH [ASYNC|SYNC]",
                "    Delete all the libraries.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the libraries.",
                "    * SYNC: Synchronously flush the libraries.",
                "DUMP",
                "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
                "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                "    control how to handle existing libraries (default APPEND):",
                "    * FLUSH: delete all existing libraries.",
                "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                "      in case of functions name collision with another library).");
    }
}
