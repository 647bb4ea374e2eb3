package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.RdbPayload;
import io.rockhub.core.types.Dumps;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;

/** DUMP and RESTORE in Redis's serialization format ({@link RdbPayload}). */
final class DumpCommands {
    private DumpCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("dump", 2, "readonly", 1, 1, 1, "@keyspace @read @slow", DumpCommands::dump)
            .tips("nondeterministic_output")
            .keys("RO access index 1 range 0 1 0"))
         .add(of("restore", -4, "write denyoom", 1, 1, 1, "@keyspace @write @slow @dangerous", DumpCommands::restore)
             .keys("OW update index 1 range 0 1 0"));
    }

    private static Execution dump(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> {
            Result<RdbPayload.Value> r = ctx.hub().dumps().read(key);
            if (r.status() == Status.NOT_FOUND) {
                out.nullBulk();
            } else if (!r.isOk()) {
                out.error("ERR DUMP of this type is not supported");
            } else {
                out.bulk(RdbPayload.dump(r.value()));
            }
        };
    }

    /** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]. */
    private static Execution restore(Args a) throws CommandError {
        boolean replace = false;
        boolean absTtl = false;
        long idle = -1;
        long freq = -1;
        for (int j = 4; j < a.size(); j++) {
            int more = a.size() - j - 1;
            if (a.is(j, "REPLACE")) {
                replace = true;
            } else if (a.is(j, "ABSTTL")) {
                absTtl = true;
            } else if (a.is(j, "IDLETIME") && more >= 1 && freq == -1) {
                idle = a.longAt(j + 1);
                if (idle < 0) {
                    throw new CommandError("ERR Invalid IDLETIME value, must be >= 0");
                }
                j++;
            } else if (a.is(j, "FREQ") && more >= 1 && idle == -1) {
                freq = a.longAt(j + 1);
                if (freq < 0 || freq > 255) {
                    throw new CommandError("ERR Invalid FREQ value, must be >= 0 and <= 255");
                }
                j++;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        byte[] key = a.bytes(1);
        byte[] ttlArg = a.bytes(2);
        byte[] payload = a.bytes(3);
        boolean overwrite = replace;
        boolean absolute = absTtl;
        return (ctx, out) -> {
            // Redis's order: an existing key, then the TTL, then the payload.
            if (!overwrite && ctx.hub().keys().live(key) != null) {
                out.error("BUSYKEY Target key name already exists.");
                return;
            }
            Long ttl = Numbers.parseLong(ttlArg);
            if (ttl == null) {
                out.error(Errors.NOT_INTEGER);
                return;
            }
            if (ttl < 0) {
                out.error("ERR Invalid TTL value, must be >= 0");
                return;
            }
            RdbPayload.Parsed parsed = RdbPayload.restore(payload);
            if (parsed.error() != null || !Dumps.loadable(parsed.value())) {
                out.error(parsed.error() != null ? parsed.error() : "ERR Bad data format");
                return;
            }
            long expireAt = ttl == 0 ? 0 : absolute ? ttl : ctx.hub().clock().millis() + ttl;
            Status s = ctx.hub().dumps().restore(key, parsed.value(), expireAt, overwrite);
            if (s == Status.NOT_APPLIED) {
                out.error("BUSYKEY Target key name already exists.");
            } else {
                out.ok();
            }
        };
    }
}
