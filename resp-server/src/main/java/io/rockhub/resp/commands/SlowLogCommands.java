package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.server.SlowLog;

/** SLOWLOG GET, LEN, RESET, HELP over {@link SlowLog}. */
final class SlowLogCommands {
    private SlowLogCommands() {
    }

    static void register(CommandTable t) {
        t.add(container("slowlog", -2, "", "@slow",
                of("get", -2, "admin loading stale", 0, 0, 0, "@admin @slow @dangerous", SlowLogCommands::get)
                    .tips("request_policy:all_nodes nondeterministic_output"),
                of("len", 2, "admin loading stale", 0, 0, 0, "@admin @slow @dangerous",
                        a -> (ctx, out) -> out.integer(ctx.hub().slowLog().length()))
                    .tips("request_policy:all_nodes response_policy:agg_sum nondeterministic_output"),
                of("reset", 2, "admin loading stale", 0, 0, 0, "@admin @slow @dangerous", a -> (ctx, out) -> {
                    ctx.hub().slowLog().reset();
                    out.ok();
                }).tips("request_policy:all_nodes response_policy:all_succeeded"),
                of("help", 2, "loading stale", 0, 0, 0, "@slow", a -> (ctx, out) -> HelpText.write(out, "SLOWLOG",
                        "GET [<count>]",
                        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                        "    Entries are made of:",
                        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                        "    client name",
                        "LEN",
                        "    Return the length of the slowlog.",
                        "RESET",
                        "    Reset the slowlog."))));
    }

    private static Execution get(Args a) throws CommandError {
        long count = 10;
        if (a.size() > 3) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '" + a.string(1)
                    + "'. Try SLOWLOG HELP.");
        }
        if (a.size() == 3) {
            Long c = Numbers.parseLong(a.bytes(2));
            if (c == null || c < -1) {
                throw new CommandError("ERR count should be greater than or equal to -1");
            }
            count = c;
        }
        long n = count;
        return (ctx, out) -> {
            java.util.List<SlowLog.Entry> entries = ctx.hub().slowLog().newest(n);
            out.array(entries.size());
            for (SlowLog.Entry e : entries) {
                out.array(6);
                out.integer(e.id());
                out.integer(e.unixSeconds());
                out.integer(e.micros());
                out.array(e.args().size());
                for (byte[] arg : e.args()) {
                    out.bulk(arg);
                }
                out.bulk(e.client());
                out.bulk(e.name());
            }
        };
    }
}
