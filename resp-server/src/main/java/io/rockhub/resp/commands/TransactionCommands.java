package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.Metadata;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.server.Transaction;
import java.util.List;

/** MULTI, EXEC, DISCARD, WATCH and UNWATCH; EXEC itself lives in {@code ExecRunner}. */
final class TransactionCommands {
    private TransactionCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("multi", 1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction",
                 a -> TransactionCommands::multi))
         .add(of("exec", 1, "noscript loading stale skip_slowlog", 0, 0, 0, "@slow @transaction",
                 a -> TransactionCommands::exec))
         .add(of("discard", 1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction",
                 a -> TransactionCommands::discard))
         .add(of("watch", -2, "noscript loading stale fast allow_busy", 1, -1, 1, "@fast @transaction",
                 TransactionCommands::watch)
             .keys("RO index 1 range -1 1 0"))
         .add(of("unwatch", 1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction",
                 a -> (ctx, out) -> {
                     ctx.hub().watches().unwatchAll(ctx.session());
                     out.ok();
                 }));
    }

    private static void multi(CommandContext ctx, io.rockhub.resp.protocol.RespWriter out) {
        Transaction tx = ctx.session().transaction();
        if (tx.inMulti()) {
            out.error("ERR MULTI calls can not be nested");
            return;
        }
        tx.begin(ctx.session().db());
        out.ok();
    }

    /**
     * EXEC. One that holds a script runs on the script thread, as scripts do, so that the event
     * loop stays free to answer -BUSY and take SCRIPT KILL while it runs.
     */
    private static void exec(CommandContext ctx, io.rockhub.resp.protocol.RespWriter out) {
        boolean script = ctx.session().transaction().queued().stream()
                .anyMatch(q -> io.rockhub.resp.scripting.Scripts.runsScript(q.spec().name()));
        if (script && ctx.session().transaction().inMulti()) {
            ctx.hub().scripts().submitExec(ctx.session(), out, w -> io.rockhub.resp.server.ExecRunner.exec(ctx, w));
        } else {
            io.rockhub.resp.server.ExecRunner.exec(ctx, out);
        }
    }

    private static void discard(CommandContext ctx, io.rockhub.resp.protocol.RespWriter out) {
        Transaction tx = ctx.session().transaction();
        if (!tx.inMulti()) {
            out.error("ERR DISCARD without MULTI");
            return;
        }
        tx.end();
        ctx.hub().watches().unwatchAll(ctx.session());
        out.ok();
    }

    private static Execution watch(Args a) {
        List<byte[]> keys = a.slice(1);
        return (ctx, out) -> {
            if (ctx.session().transaction().inMulti()) {
                out.error("ERR WATCH inside MULTI is not allowed");
                return;
            }
            for (byte[] key : keys) {
                Metadata m = ctx.hub().keys().live(key);
                ctx.hub().watches().watch(ctx.session(), key, m != null, m == null ? 0 : m.expireAt());
            }
            out.ok();
        };
    }
}
