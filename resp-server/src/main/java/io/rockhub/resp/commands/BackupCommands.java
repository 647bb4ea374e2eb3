package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.server.BackupTrigger;

/**
 * BGSAVE and LASTSAVE as Redis users expect them, on RockHub's backups: BGSAVE starts a checkpoint
 * backup to the configured object store; LASTSAVE is the time of the last successful one (the
 * server's start time before any, as Redis answers before its first save).
 */
final class BackupCommands {
    private BackupCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("bgsave", -1, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous",
                 BackupCommands::bgsave))
         .add(of("lastsave", 1, "loading stale fast", 0, 0, 0, "@admin @fast @dangerous",
                 a -> (ctx, out) -> {
                     BackupTrigger b = ctx.hub().backups();
                     long last = b == null ? -1 : b.lastSuccessSeconds();
                     out.integer(last >= 0 ? last : ctx.hub().startMillis() / 1000);
                 })
             .tips("nondeterministic_output"));
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
