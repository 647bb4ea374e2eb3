package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import io.rockhub.resp.server.BackupTrigger;

/**
 * BGSAVE and LASTSAVE as Redis users expect them, on RockHub's backups: BGSAVE starts a checkpoint
 * backup to the configured object store; LASTSAVE is the time of the last successful one (the
 * server's start time before any, as Redis answers before its first save). COMPACT, as Kvrocks's:
 * a full compaction in the background after a bulk load or a mass delete ({@code compacting} in
 * INFO rocksdb says when it is over).
 */
final class BackupCommands {
    private BackupCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("bgsave", -1, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous",
                 BackupCommands::bgsave))
         .add(of("save", 1, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous",
                 BackupCommands::save))
         .add(of("compact", 1, "admin noscript", 0, 0, 0, "@admin @slow @dangerous",
                 a -> (ctx, out) -> {
                     if (ctx.hub().storage().startFullCompaction()) {
                         out.ok();
                     } else {
                         out.error("ERR a full compaction is already in progress");
                     }
                 }))
         .add(of("lastsave", 1, "loading stale fast", 0, 0, 0, "@admin @fast @dangerous",
                 a -> (ctx, out) -> {
                     BackupTrigger b = ctx.hub().backups();
                     long last = b == null ? -1 : b.lastSuccessSeconds();
                     out.integer(last >= 0 ? last : ctx.hub().startMillis() / 1000);
                 })
             .tips("nondeterministic_output"));
    }

    /** Where SAVE waits: not a key anyone writes, only the backup's completion "changes" it. */
    private static final byte[] SAVE_DONE = "\u0000rockhub:save-done".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /**
     * SAVE: a backup, and the reply when it is complete. Every acknowledged write is already in the
     * fsynced WAL, so without a backup target there is nothing more to save: OK at once. The
     * connection waits without holding a thread, as a blocked BLPOP does; others go on.
     */
    private static Execution save(Args a) {
        return (ctx, out) -> {
            BackupTrigger b = ctx.hub().backups();
            if (b == null) {
                out.ok();
                return;
            }
            java.util.concurrent.CompletableFuture<Boolean> done = b.save();
            io.rockhub.resp.server.Hub hub = ctx.hub();
            done.whenComplete((ok, e) -> hub.blocked().changed(SAVE_DONE));
            BlockingCommands.blocking(java.util.List.of(SAVE_DONE), 0, (c, o) -> {
                if (!done.isDone()) {
                    return false;
                }
                if (Boolean.TRUE.equals(done.getNow(false))) {
                    o.ok();
                } else {
                    o.error("ERR Background save failed, see the server log");
                }
                return true;
            }, RespWriter::nullBulk).run(ctx, out);
        };
    }

    private static Execution bgsave(Args a) throws CommandError {
        if (a.size() > 2 || (a.size() == 2 && !a.is(1, "SCHEDULE"))) {
            throw new CommandError(Errors.SYNTAX);
        }
        return (ctx, out) -> {
            BackupTrigger b = ctx.hub().backups();
            if (b == null) {
                out.error("ERR no backup target is configured in this server");
            } else if (b.start()) {
                out.simple("Background saving started");
            } else {
                out.error("ERR Background save already in progress");
            }
        };
    }
}
