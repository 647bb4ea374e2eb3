package io.rockhub.resp.scripting;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.commands.HelpText;
import java.util.ArrayList;
import java.util.List;

/** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (LOAD, EXISTS, FLUSH, KILL, HELP), as Redis 7.0. */
public final class ScriptCommands {
    private ScriptCommands() {
    }

    public static void register(CommandTable t) {
        String keys = "RW access update index 2 keynum 0 1 1";
        String roKeys = "RO access index 2 keynum 0 1 1";
        String worst = " // We cannot tell how the keys will be used so we assume the worst, ";
        t.add(of("eval", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting",
                        a -> eval(a, false, false))
                        .keys(keys + worst + "RW and UPDATE"))
         .add(of("evalsha", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting",
                        a -> eval(a, true, false))
                        .keys(keys))
         .add(of("eval_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0,
                        "@slow @scripting", a -> eval(a, false, true))
                        .keys(roKeys + worst + "RO and ACCESS"))
         .add(of("evalsha_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0,
                        "@slow @scripting", a -> eval(a, true, true))
                        .keys(roKeys))
         .add(container("script", -2, "", "@slow",
                 of("load", 3, "noscript stale", 0, 0, 0, "@slow @scripting", a -> {
                     byte[] body = a.bytes(2);
                     return (ctx, out) -> {
                         String error = ctx.hub().scripts().compileCheck(ScriptSource.of(body));
                         if (error != null) {
                             out.error(error);
                             return;
                         }
                         out.bulk(ctx.hub().scripts().remember(body, true).sha());
                     };
                 }).tips("request_policy:all_nodes response_policy:all_succeeded"),
                 of("exists", -3, "noscript", 0, 0, 0, "@slow @scripting", a -> {
                     List<String> shas = new ArrayList<>();
                     for (int i = 2; i < a.size(); i++) {
                         shas.add(a.string(i));
                     }
                     return (ctx, out) -> {
                         out.array(shas.size());
                         for (String sha : shas) {
                             out.integer(ctx.hub().scripts().find(sha) != null ? 1 : 0);
                         }
                     };
                 }).tips("request_policy:all_shards response_policy:agg_logical_and"),
                 of("flush", -2, "noscript", 0, 0, 0, "@slow @scripting", a -> {
                     if (a.size() > 3 || (a.size() == 3 && !a.is(2, "ASYNC") && !a.is(2, "SYNC"))) {
                         throw new CommandError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
                     }
                     return (ctx, out) -> {
                         ctx.hub().scripts().flush();
                         out.ok();
                     };
                 }).tips("request_policy:all_nodes response_policy:all_succeeded"),
                 of("kill", 2, "noscript allow_busy", 0, 0, 0, "@slow @scripting", a -> kill(true))
                     .tips("request_policy:all_shards response_policy:one_succeeded"),
                 of("help", 2, "loading stale", 0, 0, 0, "@slow @scripting", a -> (ctx, out) -> HelpText.write(out, "SCRIPT",
                         "DEBUG (YES|SYNC|NO)",
                         "    Set the debug mode for subsequent scripts executed.",
                         "EXISTS <sha1> [<sha1> ...]",
                         "    Return information about the existence of the scripts in the script cache.",
                         "FLUSH [ASYNC|SYNC]",
                         "    Flush the Lua scripts cache. Very dangerous on replicas.",
                         "    When called without the optional mode argument, the behavior is determined by the",
                         "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                         "    * ASYNC: Asynchronously flush the scripts cache.",
                         "    * SYNC: Synchronously flush the scripts cache.",
                         "KILL",
                         "    Kill the currently executing Lua script.",
                         "LOAD <script>",
                         "    Load a script into the scripts cache without executing it."))));
    }

    /** SCRIPT KILL ({@code eval}) and FUNCTION KILL. */
    static Execution kill(boolean eval) {
        return (ctx, out) -> {
            String refusal = ctx.hub().scripts().kill(eval);
            if (refusal == null) {
                out.ok();
            } else {
                out.error(refusal);
            }
        };
    }

    /** EVAL script numkeys [key ...] [arg ...] (and EVALSHA sha ..., and the _RO forms). */
    private static Execution eval(Args a, boolean bySha, boolean readOnly) throws CommandError {
        long numKeys = a.longAt(2);
        if (numKeys < 0) {
            throw new CommandError("ERR Number of keys can't be negative");
        }
        if (numKeys > a.size() - 3) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        }
        byte[] script = a.bytes(1);
        List<byte[]> keys = new ArrayList<>(a.all().subList(3, 3 + (int) numKeys));
        List<byte[]> args = new ArrayList<>(a.all().subList(3 + (int) numKeys, a.size()));
        // What remembers a script that ran long (see Scripts#submit): its SHA, or its body's hash.
        String label = bySha ? "sha " + new String(script, java.nio.charset.StandardCharsets.ISO_8859_1)
                : "body " + java.util.Arrays.hashCode(script) + " " + script.length;
        return (ctx, client) -> ctx.hub().scripts().submit(ctx.session(), client, label, out -> {
            Scripts scripts = ctx.hub().scripts();
            ScriptSource s;
            if (bySha) {
                s = scripts.find(new String(script, java.nio.charset.StandardCharsets.UTF_8));
                if (s == null) {
                    out.error("NOSCRIPT No matching script. Please use EVAL.");
                    return;
                }
            } else {
                String error = scripts.compileCheck(ScriptSource.of(script));
                if (error != null) {
                    out.error(error);
                    return;
                }
                s = scripts.remember(script, false);
            }
            if (s.shebangError() != null) {
                out.error(s.shebangError());
                return;
            }
            if (readOnly && s.shebang() && !s.noWrites()) {
                out.error("ERR Can not execute a script with write flag using *_ro command.");
                return;
            }
            // A script that declares it may write is refused on a replica before it runs (Redis 7);
            // one without a shebang runs, and its writes fail one by one.
            if (s.shebang() && !s.noWrites() && ctx.hub().replication().isReplica()
                    && ctx.hub().config().getBool("replica-read-only")) {
                out.error("READONLY You can't write against a read only replica.");
                return;
            }
            scripts.run(ctx.session(), s, keys, args, out, readOnly || s.noWrites());
        });
    }
}
