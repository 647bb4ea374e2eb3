package io.rockhub.resp.commands;

import io.rockhub.core.encoding.StoredKey;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.StreamGroupCodec.GroupRecord;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.util.Arrays;

/**
 * HUB.DEADLETTER key group [max-deliveries dead-letter-key | OFF]: RockHub's opt-in dead-letter
 * policy of a consumer group (see {@code StreamGroups.setDeadLetter}). Without the last arguments
 * it reports the policy: max-deliveries (0 when off) and the dead-letter stream (nil when off).
 */
final class DeadLetterCommand {
    private DeadLetterCommand() {
    }

    static void register(CommandTable t) {
        t.add(of("hub.deadletter", -3, "write", 1, 1, 1, "@write @stream @slow", DeadLetterCommand::parse));
    }

    private static Execution parse(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        byte[] group = a.bytes(2);
        if (a.size() == 3) {
            return (ctx, out) -> {
                Result<GroupRecord> r = StreamGroupCommands.groups(ctx).group(key, group);
                if (!failed(out, r.status(), key, group)) {
                    GroupRecord g = r.value();
                    out.map(2).bulk("max-deliveries").integer(g.deadLetterAfter()).bulk("stream");
                    if (g.deadLetterAfter() == 0) {
                        out.nullBulk();
                    } else {
                        out.bulk(StoredKey.user(g.deadLetterKey()));
                    }
                }
            };
        }
        long after;
        byte[] target;
        if (a.size() == 4 && a.is(3, "OFF")) {
            after = 0;
            target = null;
        } else if (a.size() == 5) {
            after = a.longAt(3);
            // The dead-letter stream lives in the stream's own database.
            target = StoredKey.of(StoredKey.namespace(key), a.bytes(4));
            if (after <= 0) {
                throw new CommandError("ERR max-deliveries must be a positive integer");
            }
            if (Arrays.equals(target, key)) {
                throw new CommandError("ERR the dead-letter stream must not be the stream itself");
            }
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        return (ctx, out) -> {
            if (!failed(out, StreamGroupCommands.groups(ctx).setDeadLetter(key, group, after, target), key, group)) {
                out.ok();
            }
        };
    }

    private static boolean failed(RespWriter out, Status s, byte[] key, byte[] group) {
        switch (s) {
            case OK -> {
                return false;
            }
            case NOT_FOUND -> out.error(Errors.NO_SUCH_KEY);
            case NOT_APPLIED -> out.error(StreamGroupCommands.noGroup(key, group));
            default -> {
                if (!Replies.error(out, s)) {
                    throw new IllegalStateException("unexpected status " + s);
                }
            }
        }
        return true;
    }
}
