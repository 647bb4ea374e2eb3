package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.replication.CheckpointManifest;
import io.rockhub.core.replication.ReplicationState;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.Blocking;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.replication.ReplicaLink;
import io.rockhub.resp.replication.Replication;
import java.io.IOException;
import java.util.List;

/**
 * REPLICAOF (SLAVEOF), ROLE and WAIT for users; REPLCONF, PSYNC and REPLFETCH for a replica talking
 * to its primary. RockHub's offsets are RocksDB sequence numbers, and PSYNC is RockHub's own
 * (see {@link Replication}): a Redis replica cannot follow RockHub, nor the other way round.
 */
final class ReplicationCommands {
    private ReplicationCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("replicaof", 3, "admin noscript stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous",
                 ReplicationCommands::replicaOf))
         .add(of("slaveof", 3, "admin noscript stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous",
                 ReplicationCommands::replicaOf))
         .add(of("role", 1, "noscript loading stale fast", 0, 0, 0, "@admin @fast @dangerous",
                 a -> ReplicationCommands::role))
         .add(of("wait", 3, "noscript", 0, 0, 0, "@slow @connection", ReplicationCommands::waitFor)
             .tips("request_policy:all_shards response_policy:agg_min"))
         .add(of("replconf", -1, "admin noscript loading stale allow_busy", 0, 0, 0, "@admin @slow @dangerous",
                 ReplicationCommands::replconf))
         .add(of("psync", -3, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous",
                 ReplicationCommands::psync))
         .add(of("replfetch", 5, "admin noscript no_multi", 0, 0, 0, "@admin @slow @dangerous",
                 ReplicationCommands::replfetch))
         .add(of("hub.digest", 1, "readonly admin noscript", 0, 0, 0, "@admin @slow @dangerous",
                 a -> ReplicationCommands::digest));
    }

    private static Execution replicaOf(Args a) throws CommandError {
        if (a.is(1, "NO") && a.is(2, "ONE")) {
            return (ctx, out) -> {
                ctx.hub().replication().promote();
                out.ok();
            };
        }
        String host = a.string(1);
        long port;
        try {
            port = Long.parseLong(a.string(2));
        } catch (NumberFormatException e) {
            throw new CommandError("ERR Invalid master port");
        }
        if (port <= 0 || port > 65535) {
            throw new CommandError("ERR Invalid master port");
        }
        return (ctx, out) -> {
            ReplicaLink link = ctx.hub().replication().link();
            if (link != null && link.host().equals(host) && link.port() == port) {
                out.simple("OK Already connected to specified master");
                return;
            }
            ctx.hub().replication().replicaOf(host, (int) port);
            out.ok();
        };
    }

    private static void role(io.rockhub.resp.command.CommandContext ctx, io.rockhub.resp.protocol.RespWriter out) {
        Replication r = ctx.hub().replication();
        long latest = ctx.hub().storage().latestSequence();
        ReplicaLink link = r.link();
        if (link == null) {
            List<Replication.PeerView> peers = r.peers();
            out.array(3).bulk("master").integer(latest).array(peers.size());
            for (Replication.PeerView p : peers) {
                out.array(3).bulk(p.ip()).bulk(Integer.toString(p.port())).bulk(Long.toString(p.ackedSeq()));
            }
            return;
        }
        String state = switch (link.status()) {
            case UP -> "connected";
            case SYNC -> "sync";
            case CONNECTING -> "connecting";
            case DOWN -> "connect";
        };
        out.array(5).bulk("slave").bulk(link.host()).integer(link.port()).bulk(state).integer(latest);
    }

    /** WAIT numreplicas timeout: blocks (without a thread) until enough replicas acknowledged this client's writes. */
    private static Execution waitFor(Args a) throws CommandError {
        long n = a.longAt(1);
        long timeout;
        try {
            timeout = Long.parseLong(a.string(2));
        } catch (NumberFormatException e) {
            throw new CommandError("ERR timeout is not an integer or out of range");
        }
        if (timeout < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        return (ctx, out) -> {
            Replication r = ctx.hub().replication();
            if (r.isReplica()) {
                out.error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a "
                        + "replica is configured to be writable (which is not the default) writes to replicas are just "
                        + "local and are not propagated.");
                return;
            }
            long seq = ctx.hub().storage().latestSequence();
            int acked = r.acknowledged(seq);
            if (acked >= n || ctx.session().executingTransaction()) {
                out.integer(acked);
                return;
            }
            byte[] key = r.waitKey(ctx.session().id(), seq);
            ctx.session().block(new Blocking(List.of(key), timeout, (c, o) -> {
                int now = r.acknowledged(seq);
                if (now < n) {
                    return false;
                }
                r.waitDone(key);
                o.integer(now);
                return true;
            }, o -> {
                r.waitDone(key);
                o.integer(r.acknowledged(seq));
            }));
        };
    }

    private static Execution replconf(Args a) throws CommandError {
        if (a.size() % 2 == 0 && !a.is(1, "GETCHECKPOINT")) {
            throw new CommandError(Errors.SYNTAX);
        }
        if (a.size() == 1) {
            return (ctx, out) -> out.ok();
        }
        String option = a.option(1);
        return switch (option) {
            case "LISTENING-PORT" -> {
                long port = a.longAt(2);
                yield (ctx, out) -> {
                    ctx.hub().replication().listeningPort(ctx.session().id(), ctx.session().address(), (int) port);
                    out.ok();
                };
            }
            case "ACK" -> {
                long seq = a.longAt(2);
                // As in Redis, an ACK is not answered.
                yield (ctx, out) -> ctx.hub().replication().ack(ctx.session().id(), seq);
            }
            case "CAPA", "IP-ADDRESS", "RDB-ONLY", "RDB-FILTER-ONLY" -> (ctx, out) -> out.ok();
            case "GETCHECKPOINT" -> (ctx, out) -> {
                Replication r = ctx.hub().replication();
                CheckpointManifest m = r.checkpoint();
                ReplicationState st = r.state();
                out.array(4).bulk(m.id()).integer(m.sequence())
                        .bulk(st.replid() + " " + st.previousReplid() + " " + st.previousEnd());
                out.array(m.files().size());
                for (CheckpointManifest.FileEntry f : m.files()) {
                    out.array(3).bulk(f.name()).integer(f.size()).bulk(f.sha256());
                }
            };
            default -> throw new CommandError("ERR Unrecognized REPLCONF option: " + a.string(1));
        };
    }

    /**
     * PSYNC replid next-sequence. If this primary can continue from there, the WAL sender answers
     * {@code +CONTINUE replid previous-replid previous-end} and streams; otherwise
     * {@code +FULLRESYNC replid sequence} and the replica fetches a checkpoint.
     */
    private static Execution psync(Args a) throws CommandError {
        String replid = a.string(1);
        long next = a.longAt(2);
        return (ctx, out) -> {
            Replication r = ctx.hub().replication();
            if (r.isReplica()) {
                // A replica's own WAL batches are not the primary's, and a loop of full copies would
                // follow: say so instead.
                out.error("ERR this server is a replica; chained replication is not supported: "
                        + "replicate the primary");
                return;
            }
            Replication.PsyncDecision d = r.psyncDecision(replid, next);
            if (!d.proceed()) {
                out.simple("FULLRESYNC " + d.replid() + " " + d.sequence());
                return;
            }
            r.startStreaming(ctx.session().id(), ctx.session().channel(), ctx.session().address(), next);
        };
    }

    /**
     * HUB.DIGEST: the sequence number, a SHA-256 of every stored record at that sequence, and the
     * number of records. A replica that caught up answers exactly what its primary answers.
     */
    private static void digest(io.rockhub.resp.command.CommandContext ctx, io.rockhub.resp.protocol.RespWriter out) {
        io.rockhub.core.storage.Storage.Digest d = ctx.hub().storage().digest();
        out.array(3).integer(d.sequence()).bulk(d.sha256()).integer(d.records());
    }

    private static Execution replfetch(Args a) throws CommandError {
        String id = a.string(1);
        String name = a.string(2);
        long offset = a.longAt(3);
        long length = a.longAt(4);
        if (offset < 0 || length <= 0 || length > 64 << 20) {
            throw new CommandError("ERR bad REPLFETCH range");
        }
        return (ctx, out) -> {
            try {
                out.bulk(ctx.hub().replication().fetch(id, name, offset, (int) length));
            } catch (IOException e) {
                out.error("ERR cannot read checkpoint file: " + e.getMessage());
            }
        };
    }
}
