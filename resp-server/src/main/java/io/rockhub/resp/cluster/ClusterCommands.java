package io.rockhub.resp.cluster;

import io.rockhub.core.encoding.HashSlot;
import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CLUSTER (the subcommands cluster clients and operators read, as Redis 7.0), READONLY, READWRITE,
 * ASKING, and CLUSTERX, through which the controller (or an operator) gives a node its id and the
 * topology, as Apache Kvrocks's CLUSTERX does.
 */
public final class ClusterCommands {
    private ClusterCommands() {
    }

    static final String DISABLED = "ERR This instance has cluster support disabled";

    public static void register(CommandTable t) {
        t.add(container("cluster", -2, "", "@slow",
                of("keyslot", 3, "stale", 0, 0, 0, "@slow", a -> {
                    byte[] key = a.bytes(2);
                    return enabled((ctx, out) -> out.integer(HashSlot.of(key)));
                }),
                of("myid", 2, "stale", 0, 0, 0, "@slow", a -> enabled((ctx, out) -> out.bulk(cluster(ctx).myId()))),
                of("failover", -2, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", ClusterCommands::failover),
                of("info", 2, "stale", 0, 0, 0, "@slow", a -> enabled((ctx, out) -> out.verbatim(info(cluster(ctx)))))
                        .tips("nondeterministic_output"),
                of("nodes", 2, "stale", 0, 0, 0, "@slow", a -> enabled((ctx, out) -> out.verbatim(nodes(ctx))))
                        .tips("nondeterministic_output"),
                of("slots", 2, "stale", 0, 0, 0, "@slow", a -> enabled(ClusterCommands::slots))
                        .tips("nondeterministic_output"),
                of("shards", 2, "stale", 0, 0, 0, "@slow", a -> enabled(ClusterCommands::shards))
                        .tips("nondeterministic_output"),
                of("countkeysinslot", 3, "stale", 0, 0, 0, "@slow", a -> {
                    long slot = a.longAt(2);
                    return enabled((ctx, out) -> {
                        if (slot < 0 || slot >= HashSlot.SLOTS) {
                            out.error("ERR Invalid slot");
                            return;
                        }
                        out.integer(keysInSlot(ctx, (int) slot, Long.MAX_VALUE).size());
                    });
                }),
                of("getkeysinslot", 4, "stale", 0, 0, 0, "@slow", a -> {
                    long slot = a.longAt(2);
                    long count = a.longAt(3);
                    return enabled((ctx, out) -> {
                        if (count < 0 || slot < 0 || slot >= HashSlot.SLOTS) {
                            out.error("ERR Invalid slot or number of keys");
                            return;
                        }
                        List<byte[]> keys = keysInSlot(ctx, (int) slot, count);
                        out.array(keys.size());
                        keys.forEach(out::bulk);
                    });
                }).tips("nondeterministic_output")))
         .add(of("readonly", 1, "loading stale fast", 0, 0, 0, "@fast @connection", a -> enabled((ctx, out) -> {
             ctx.session().clusterReadOnly(true);
             out.ok();
         })))
         .add(of("readwrite", 1, "loading stale fast", 0, 0, 0, "@fast @connection", a -> enabled((ctx, out) -> {
             ctx.session().clusterReadOnly(false);
             out.ok();
         })))
         .add(of("asking", 1, "fast", 0, 0, 0, "@fast @connection", a -> enabled((ctx, out) -> out.ok())))
         .add(container("clusterx", -2, "", "@slow @admin @dangerous",
                of("setnodeid", 3, "admin noscript stale", 0, 0, 0, "@slow @admin @dangerous", a -> {
                    String id = a.string(2);
                    return enabled((ctx, out) -> {
                        if (id.length() != 40 || !id.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                            out.error("ERR Invalid cluster node id");
                            return;
                        }
                        cluster(ctx).setMyId(id);
                        out.ok();
                    });
                }),
                of("setnodes", -4, "admin noscript stale", 0, 0, 0, "@slow @admin @dangerous", ClusterCommands::setNodes),
                of("migrate", 5, "admin noscript stale", 0, 0, 0, "@slow @admin @dangerous", ClusterCommands::migrate),
                of("migration", -2, "admin noscript stale", 0, 0, 0, "@slow @admin @dangerous", a -> {
                    if (a.size() > 3 || a.size() == 3 && !a.is(2, "abort")) {
                        throw new CommandError("ERR syntax error");
                    }
                    boolean abort = a.size() == 3;
                    return enabled((ctx, out) -> {
                        if (abort) {
                            out.integer(ctx.hub().migrations().abort() ? 1 : 0);
                        } else {
                            out.verbatim(ctx.hub().migrations().status());
                        }
                    });
                }),
                of("import", 4, "admin noscript stale", 0, 0, 0, "@slow @admin @dangerous", ClusterCommands::importSlots),
                of("dropslots", 3, "admin noscript stale", 0, 0, 0, "@slow @admin @dangerous", a -> {
                    java.util.BitSet slots = slotSet(a.string(2));
                    return enabled((ctx, out) -> {
                        Object dropped = ctx.hub().migrations().dropSlots(slots);
                        if (dropped instanceof String refused) {
                            out.error(refused);
                        } else {
                            out.integer((Long) dropped);
                        }
                    });
                }),
                of("failover-requested", 2, "admin noscript stale", 0, 0, 0, "@slow @admin @dangerous",
                        a -> enabled((ctx, out) -> out.integer(cluster(ctx).takeFailoverRequest() ? 1 : 0))),
                of("version", 2, "stale", 0, 0, 0, "@slow", a -> enabled((ctx, out) ->
                        out.integer(cluster(ctx).topology().epoch()))),
                of("lease", -3, "admin noscript stale", 0, 0, 0, "@slow @admin @dangerous", a -> {
                    if (a.size() > 4) {
                        throw new CommandError("ERR syntax error");
                    }
                    long millis = a.longAt(2);
                    long epoch = a.size() == 4 ? a.longAt(3) : 0;
                    return enabled((ctx, out) -> {
                        if (millis <= 0) {
                            out.error("ERR lease must be positive (milliseconds)");
                            return;
                        }
                        // Never a lease for an older topology: a returning primary that still thinks it
                        // serves its slots must take the new topology before it serves anything.
                        if (cluster(ctx).topology().epoch() >= epoch) {
                            cluster(ctx).lease(millis);
                        }
                        out.integer(cluster(ctx).topology().epoch());
                    });
                })));
    }

    /** CLUSTERX SETNODES <topology> <epoch> [FORCE]. */
    private static Execution setNodes(Args a) throws CommandError {
        if (a.size() > 5 || a.size() == 5 && !a.is(4, "force")) {
            throw new CommandError("ERR syntax error");
        }
        String text = new String(a.bytes(2), StandardCharsets.UTF_8);
        long epoch = a.longAt(3);
        boolean force = a.size() == 5;
        return enabled((ctx, out) -> {
            Topology t;
            try {
                t = Topology.parse(text, epoch);
            } catch (IllegalArgumentException e) {
                out.error("ERR " + e.getMessage());
                return;
            }
            String refused = cluster(ctx).apply(t, force);
            if (refused != null) {
                out.error(refused);
                return;
            }
            followRole(ctx.hub());
            ctx.hub().syncReplicas().changed(); // fewer replicas to wait for, or no longer a primary
            ctx.hub().migrations().topologyChanged(); // a migration's commit: the slots are gone
            out.ok();
        });
    }

    /**
     * CLUSTER FAILOVER [FORCE|TAKEOVER] on a replica: as in Redis, answered OK at once and done after.
     * Nodes do not elect each other here: the replica asks its controller, which runs the planned
     * failover (the primary's writes held until the replica caught up, the roles swapped in
     * ZooKeeper, pushed) when it next probes the replica. FORCE and TAKEOVER, which in Redis skip the
     * primary's agreement, make no difference: the controller decides with what ZooKeeper holds.
     */
    private static Execution failover(Args a) throws CommandError {
        if (a.size() > 3 || a.size() == 3 && !a.is(2, "force") && !a.is(2, "takeover")) {
            throw new CommandError("ERR syntax error");
        }
        return enabled((ctx, out) -> {
            ClusterNode me = cluster(ctx).me();
            if (me == null || me.primary()) {
                out.error("ERR You should send CLUSTER FAILOVER to a replica");
                return;
            }
            if (!cluster(ctx).managed()) {
                out.error("ERR no controller manages this node: push the topology with the roles swapped (CLUSTERX SETNODES)");
                return;
            }
            cluster(ctx).requestFailover();
            out.ok();
        });
    }

    /** CLUSTERX MIGRATE <slots> <host> <port>: starts moving this node's slots to that node. */
    private static Execution migrate(Args a) throws CommandError {
        java.util.BitSet slots = slotSet(a.string(2));
        String host = a.string(3);
        long port = a.longAt(4);
        return enabled((ctx, out) -> {
            String refused = ctx.hub().migrations().start(slots, a.string(2), host, (int) port);
            if (refused != null) {
                out.error(refused);
            } else {
                out.ok();
            }
        });
    }

    /** CLUSTERX IMPORT START|END|ABORT <slots>, CLUSTERX IMPORT LOAD|APPLY <entries>: a migration's target side. */
    private static Execution importSlots(Args a) throws CommandError {
        if (a.is(2, "apply") || a.is(2, "load")) {
            byte[] entries = a.bytes(3);
            boolean load = a.is(2, "load");
            return enabled((ctx, out) -> {
                Migrations m = ctx.hub().migrations();
                java.util.function.Consumer<io.rockhub.resp.protocol.RespWriter> work = w -> {
                    try {
                        if (load) {
                            m.load(entries);
                        } else {
                            m.apply(entries);
                        }
                    } catch (IllegalArgumentException e) {
                        w.error("ERR invalid migration entries: " + e.getMessage());
                        return;
                    } catch (IllegalStateException e) {
                        w.error("ERR " + e.getMessage());
                        return;
                    }
                    w.ok();
                };
                if (!ctx.session().offloadTo(m.importer(), work)) {
                    work.accept(out);
                }
            });
        }
        java.util.BitSet slots = slotSet(a.string(3));
        if (a.is(2, "start")) {
            return enabled((ctx, out) -> {
                String refused = ctx.hub().migrations().importStart(slots);
                if (refused != null) {
                    out.error(refused);
                } else {
                    out.ok();
                }
            });
        }
        if (a.is(2, "end")) {
            return enabled((ctx, out) -> out.integer(ctx.hub().migrations().importEnd()));
        }
        if (a.is(2, "abort")) {
            return enabled((ctx, out) -> {
                ctx.hub().migrations().importAbort(slots);
                out.ok();
            });
        }
        throw new CommandError("ERR syntax error");
    }

    private static java.util.BitSet slotSet(String text) throws CommandError {
        try {
            return SlotRange.parseSet(text);
        } catch (IllegalArgumentException e) {
            throw new CommandError("ERR Invalid slot range " + text);
        }
    }

    /**
     * Takes the role the topology gives this node: a replica follows its primary (as REPLICAOF does),
     * a primary that was a replica stops following and keeps what it applied. A node the topology
     * does not name keeps its role.
     */
    static void followRole(io.rockhub.resp.server.Hub hub) {
        Cluster c = hub.cluster();
        ClusterNode me = c.me();
        if (me == null) {
            return;
        }
        if (me.primary()) {
            if (hub.replication().isReplica()) {
                hub.replication().promote();
                dropForeignSlots(hub, c);
            }
            return;
        }
        ClusterNode primary = c.topology().node(me.primaryId());
        hub.replication().replicaOf(primary.host(), primary.port());
    }

    /**
     * A replica promoted by its controller drops the keys it holds of slots another primary serves:
     * a partial copy its old primary was receiving when it failed (a migration never committed),
     * which would otherwise show in its KEYS, SCAN and DBSIZE. Only under a controller, whose
     * topology is committed: a hand-made topology that forgot a slot drops nothing, and slots no
     * primary serves are left alone.
     */
    private static void dropForeignSlots(io.rockhub.resp.server.Hub hub, Cluster c) {
        if (!c.managed()) {
            return;
        }
        java.util.BitSet foreign = new java.util.BitSet();
        ClusterNode me = c.me();
        for (int s = 0; s < HashSlot.SLOTS; s++) {
            ClusterNode owner = c.owner(s);
            if (owner != null && owner != me) {
                foreign.set(s);
            }
        }
        long dropped = new io.rockhub.core.types.SlotData(hub.keys()).drop(foreign).keys();
        if (dropped > 0) {
            org.slf4j.LoggerFactory.getLogger(ClusterCommands.class).info(
                    "promoted: dropped {} keys of slots other primaries serve (a copy never committed)", dropped);
        }
    }

    /** Parses a command's arguments (as the command table's parsers do). */
    public interface Parse {
        Execution parse() throws CommandError;
    }

    /**
     * A command Redis refuses in cluster mode before it even reads its arguments (MOVE, SWAPDB): the
     * refusal first, then any argument error, as the command itself answers them (inside MULTI too).
     */
    public static Execution refusedInClusterMode(String error, Parse parse) {
        Execution parsed;
        String parseError;
        try {
            parsed = parse.parse();
            parseError = null;
        } catch (CommandError e) {
            parsed = null;
            parseError = e.getMessage();
        }
        Execution run = parsed;
        String argumentError = parseError;
        return (ctx, out) -> {
            if (cluster(ctx).enabled()) {
                out.error(error);
            } else if (argumentError != null) {
                out.error(argumentError);
            } else {
                run.run(ctx, out);
            }
        };
    }

    private static Execution enabled(Execution e) {
        return (ctx, out) -> {
            if (!cluster(ctx).enabled()) {
                out.error(DISABLED);
                return;
            }
            e.run(ctx, out);
        };
    }

    private static Cluster cluster(CommandContext ctx) {
        return ctx.hub().cluster();
    }

    /** CLUSTER INFO, with Redis 7.0's fields (no gossip: its message counters stay 0). */
    static String info(Cluster c) {
        Topology t = c.topology();
        int size = 0;
        for (ClusterNode n : t.nodes()) {
            if (n.primary() && !n.slots().isEmpty()) {
                size++;
            }
        }
        return "cluster_state:" + (c.ok() ? "ok" : "fail") + "\r\n"
                + "cluster_slots_assigned:" + c.assignedSlots() + "\r\n"
                + "cluster_slots_ok:" + c.assignedSlots() + "\r\n"
                + "cluster_slots_pfail:0\r\n"
                + "cluster_slots_fail:0\r\n"
                + "cluster_known_nodes:" + Math.max(1, t.nodes().size()) + "\r\n"
                + "cluster_size:" + size + "\r\n"
                + "cluster_current_epoch:" + t.epoch() + "\r\n"
                + "cluster_my_epoch:" + t.epoch() + "\r\n"
                + "cluster_stats_messages_sent:0\r\n"
                + "cluster_stats_messages_received:0\r\n"
                + "total_cluster_links_buffer_limit_exceeded:0\r\n";
    }

    /** CLUSTER NODES: one line per node, this one flagged {@code myself}, as Redis writes nodes.conf. */
    private static String nodes(CommandContext ctx) {
        Cluster c = cluster(ctx);
        Topology t = c.topology();
        long now = ctx.hub().clock().millis();
        StringBuilder sb = new StringBuilder();
        if (c.me() == null) {
            // Not in the topology (yet): Redis shows an unconfigured node as a primary without an address.
            sb.append(c.myId()).append(" :").append(ctx.hub().port()).append('@').append(ctx.hub().port() + 10_000)
                    .append(" myself,master - 0 0 ").append(t.epoch()).append(" connected\n");
        }
        for (ClusterNode n : t.nodes()) {
            boolean me = n.id().equals(c.myId());
            sb.append(n.id()).append(' ').append(n.address()).append('@').append(n.port() + 10_000).append(' ')
                    .append(me ? "myself," : "").append(n.primary() ? "master" : "slave").append(' ')
                    .append(n.primary() ? "-" : n.primaryId()).append(" 0 ").append(me ? 0 : now).append(' ')
                    .append(t.epoch()).append(" connected");
            for (SlotRange r : n.slots()) {
                sb.append(' ').append(r);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** CLUSTER SLOTS: each run of slots one primary serves, in slot order, with its replicas. */
    private static void slots(CommandContext ctx, RespWriter out) {
        Topology t = cluster(ctx).topology();
        ClusterNode[] owners = t.owners();
        List<int[]> runs = new ArrayList<>();
        for (int s = 0; s < owners.length; s++) {
            if (owners[s] == null) {
                continue;
            }
            int start = s;
            while (s + 1 < owners.length && owners[s + 1] == owners[start]) {
                s++;
            }
            runs.add(new int[] {start, s});
        }
        out.array(runs.size());
        for (int[] run : runs) {
            ClusterNode primary = owners[run[0]];
            List<ClusterNode> replicas = t.replicasOf(primary.id());
            out.array(3 + replicas.size());
            out.integer(run[0]);
            out.integer(run[1]);
            slotNode(out, primary);
            replicas.forEach(r -> slotNode(out, r));
        }
    }

    private static void slotNode(RespWriter out, ClusterNode n) {
        out.array(4);
        out.bulk(n.host());
        out.integer(n.port());
        out.bulk(n.id());
        out.map(0); // the endpoints other than the preferred one: none
    }

    /** CLUSTER SHARDS: every primary with its slot ranges, then it and its replicas. */
    private static void shards(CommandContext ctx, RespWriter out) {
        Cluster c = cluster(ctx);
        Topology t = c.topology();
        List<ClusterNode> primaries = t.nodes().stream().filter(ClusterNode::primary).toList();
        out.array(primaries.size());
        for (ClusterNode p : primaries) {
            out.map(2);
            out.bulk("slots");
            out.array(2L * p.slots().size());
            for (SlotRange r : p.slots()) {
                out.integer(r.from());
                out.integer(r.to());
            }
            out.bulk("nodes");
            List<ClusterNode> members = new ArrayList<>();
            members.add(p);
            members.addAll(t.replicasOf(p.id()));
            out.array(members.size());
            for (ClusterNode n : members) {
                out.map(7);
                out.bulk("id");
                out.bulk(n.id());
                out.bulk("port");
                out.integer(n.port());
                out.bulk("ip");
                out.bulk(n.host());
                out.bulk("endpoint");
                out.bulk(n.host());
                out.bulk("role");
                out.bulk(n.primary() ? "master" : "replica");
                out.bulk("replication-offset");
                out.integer(n.id().equals(c.myId()) ? ctx.hub().storage().latestSequence() : 0);
                out.bulk("health");
                out.bulk("online");
            }
        }
    }

    /** The keys of a slot, at most {@code limit}: one range of stored keys, since the slot leads them. */
    private static List<byte[]> keysInSlot(CommandContext ctx, int slot, long limit) {
        return ctx.hub().scanner().keysBetween(io.rockhub.core.encoding.StoredKey.slotStart(slot),
                io.rockhub.core.encoding.StoredKey.slotEnd(slot), limit);
    }
}
