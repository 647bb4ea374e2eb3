package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.types.StringValues;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import org.rocksdb.RocksIterator;

/**
 * MEMORY: what a key, and the server, take. RockHub's data lives in RocksDB, not in RAM, so MEMORY
 * USAGE reports the bytes a key's records take in RocksDB before compression (its record and, for a
 * collection, its items, extrapolated from a sample as Redis samples), and MEMORY STATS reports the
 * JVM heap with Redis's field names and RocksDB's memtables, block cache and files besides.
 */
final class MemoryCommands {
    private static final String SHARDS = "nondeterministic_output request_policy:all_shards response_policy:special";

    private MemoryCommands() {
    }

    static void register(CommandTable t) {
        t.add(container("memory", -2, "", "@slow",
                of("usage", -3, "readonly", 2, 2, 1, "@read @slow", MemoryCommands::usage)
                    .keys("RO index 2 range 0 1 0"),
                of("stats", 2, "", 0, 0, 0, "@slow", a -> MemoryCommands::stats).tips(SHARDS),
                of("doctor", 2, "", 0, 0, 0, "@slow", a -> (ctx, out) -> out.verbatim(
                        "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs "
                        + "on this base: RockHub keeps its data in RocksDB on disk; see MEMORY STATS for the heap "
                        + "and RocksDB's memtables and block cache.\n")).tips(SHARDS),
                of("malloc-stats", 2, "", 0, 0, 0, "@slow",
                        a -> (ctx, out) -> out.verbatim("Stats not supported for the current allocator\n")).tips(SHARDS),
                of("purge", 2, "", 0, 0, 0, "@slow", a -> (ctx, out) -> out.ok())
                    .tips("request_policy:all_shards response_policy:all_succeeded"),
                of("help", 2, "loading stale", 0, 0, 0, "@slow", a -> (ctx, out) -> HelpText.write(out, "MEMORY",
                        "DOCTOR", "    Return memory problems reports.",
                        "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
                        "PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
                        "STATS", "    Return information about the memory usage of the server.",
                        "USAGE <key> [SAMPLES <count>]",
                        "    Return memory in bytes used by <key> and its value. Nested values are",
                        "    sampled up to <count> times (default: 5, 0 means sample all)."))));
    }

    private static Execution usage(Args a) throws CommandError {
        long samples = 5;
        for (int j = 3; j < a.size(); j++) {
            if (a.is(j, "SAMPLES") && j + 1 < a.size()) {
                samples = a.longAt(j + 1);
                if (samples < 0) {
                    throw new CommandError(Errors.SYNTAX);
                }
                if (samples == 0) {
                    samples = Long.MAX_VALUE;
                }
                j++;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        byte[] key = a.bytes(2);
        long sample = samples;
        return (ctx, out) -> {
            Metadata m = ctx.hub().keys().live(key);
            if (m == null) {
                out.nullBulk();
                return;
            }
            out.integer(bytesOf(ctx, key, m, sample));
        };
    }

    /** The key's record plus its items: all of them up to {@code samples}, else their average times their count. */
    private static long bytesOf(CommandContext ctx, byte[] key, Metadata m, long samples) {
        long record = key.length + m.encode().length;
        if (m.type() == DataType.STRING) {
            return record;
        }
        if (m.type() == DataType.STRING_CHUNKS) {
            return record + StringValues.length(m);
        }
        ColumnFamily cf = m.type() == DataType.STREAM ? ColumnFamily.STREAM : ColumnFamily.SUBKEY;
        byte[] prefix = InternalKey.prefix(key, m.version());
        long seen = 0;
        long bytes = 0;
        try (RocksIterator it = ctx.hub().storage().iterator(cf)) {
            for (it.seek(prefix); it.isValid() && io.rockhub.core.encoding.Bytes.startsWith(it.key(), prefix) && seen < samples;
                 it.next()) {
                bytes += it.key().length + it.value().length;
                seen++;
            }
        }
        long items = m.type() == DataType.ZSET ? 2 : 1; // a sorted set's score index doubles its items
        if (seen == 0) {
            return record;
        }
        return record + (seen < m.size() ? bytes * m.size() / seen : bytes) * items;
    }

    private static void stats(CommandContext ctx, RespWriter out) {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        long keys = ctx.hub().keys().size();
        long memtables = ctx.hub().storage().longPropertyAll("rocksdb.cur-size-all-mem-tables");
        long sst = ctx.hub().storage().sstBytes();
        out.map(14);
        out.bulk("peak.allocated").integer(rt.totalMemory());
        out.bulk("total.allocated").integer(used);
        out.bulk("startup.allocated").integer(0);
        out.bulk("replication.backlog").integer(0);
        out.bulk("clients.normal").integer(ctx.hub().clients().size());
        out.bulk("aof.buffer").integer(0);
        out.bulk("keys.count").integer(keys);
        out.bulk("keys.bytes-per-key").integer(keys == 0 ? 0 : sst / keys);
        out.bulk("dataset.bytes").integer(sst);
        out.bulk("rocksdb.memtables.bytes").integer(memtables);
        out.bulk("rocksdb.block-cache.bytes").integer(ctx.hub().storage().blockCacheUsage());
        out.bulk("rocksdb.sst.bytes").integer(sst);
        out.bulk("metadata-cache.bytes").integer(ctx.hub().keys().cacheBytes());
        out.bulk("zset-index-cache.bytes").integer(ctx.hub().keys().zsetIndexBytes());
    }
}
