package io.rockhub.resp.server;

import io.rockhub.core.storage.StorageException;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandFlag;
import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks a request up in the command table and runs it, with Redis's order of checks: unknown
 * command, arity, authentication, then the command's own parse; only then does it touch storage.
 * Inside MULTI, commands are parsed and queued instead ({@code +QUEUED}); a refusal at this stage
 * makes the EXEC fail with EXECABORT, a parse error is answered at EXEC, as in Redis.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Commands that act at once even inside MULTI. */
    private static final Set<String> TRANSACTION_CONTROL = Set.of("exec", "discard", "multi", "watch", "quit", "reset");

    private final Hub hub;

    public Dispatcher(Hub hub) {
        this.hub = hub;
    }

    /**
     * Until when a CLIENT PAUSE holds this request back (0 = it runs now): every command under PAUSE
     * ALL, commands that may write under PAUSE WRITE (EXEC when its queue writes).
     */
    long pausedUntil(ClientSession session, List<byte[]> argv) {
        if (hub.slotHold().active()) {
            long held = heldForMigration(session, argv);
            if (held != 0) {
                return held;
            }
        }
        if (!hub.clientPause().active()) {
            return 0; // the usual case, without reading the clock
        }
        long now = hub.clock().millis();
        if (hub.clientPause().holds(now, true) == 0) {
            return 0;
        }
        CommandSpec spec = hub.commands().lookup(new String(argv.get(0), StandardCharsets.UTF_8));
        if (session.transaction().inMulti() && (spec == null || !spec.name().equals("exec"))) {
            return 0; // queued, not run: the EXEC is what waits
        }
        boolean writes = spec != null && spec.has(CommandFlag.WRITE);
        if (spec != null && spec.name().equals("exec")) {
            writes = session.transaction().queued().stream().anyMatch(q -> q.spec().has(CommandFlag.WRITE));
        }
        return hub.clientPause().holds(now, writes);
    }

    /**
     * Until when a command that may write a slot held for a migration's cutover waits (0: it runs).
     * Looked at again when the hold ends (the waiters are woken) and at least every 250 ms.
     */
    private long heldForMigration(ClientSession session, List<byte[]> argv) {
        CommandSpec spec = hub.commands().lookup(new String(argv.get(0), StandardCharsets.UTF_8));
        if (spec == null || session.transaction().inMulti() && !spec.name().equals("exec")) {
            return 0;
        }
        List<byte[]> keys;
        if (spec.name().equals("exec")) {
            keys = new java.util.ArrayList<>();
            for (Transaction.Queued q : session.transaction().queued()) {
                if (mayWrite(q.spec())) {
                    keys.addAll(DbKeys.keys(q.spec(), q.original()));
                }
            }
        } else if (spec.isContainer() && argv.size() > 1) {
            CommandSpec sub = spec.subcommand(new String(argv.get(1), StandardCharsets.UTF_8));
            keys = sub != null && mayWrite(sub) ? DbKeys.keys(sub, argv) : List.of();
        } else {
            keys = mayWrite(spec) ? DbKeys.keys(spec, argv) : List.of();
        }
        return hub.slotHold().holds(keys) ? hub.clock().millis() + 250 : 0;
    }

    /** The NOPERM refusal of {@code spec} for the session's user, logged in ACL LOG; null when allowed. */
    private String aclRefusal(ClientSession session, CommandSpec spec, List<byte[]> argv, String context) {
        io.rockhub.resp.acl.Acl.Denial d = hub.acl().check(session.user(), spec, argv);
        if (d == null) {
            return null;
        }
        // The table names a subcommand by its full name (config|get), as NOPERM and ACL LOG print it.
        io.rockhub.resp.acl.AclCommands.logDenial(hub, session, d, spec.name(), argv, context);
        return io.rockhub.resp.acl.AclCommands.noPerm(d, spec.name());
    }

    public void dispatch(ClientSession session, List<byte[]> argv, RespWriter out) {
        session.replySequence(-1);
        Transaction tx = session.transaction();
        String name = new String(argv.get(0), StandardCharsets.UTF_8);
        CommandSpec spec = hub.commands().lookup(name);
        String refusal = null;
        if (spec == null) {
            refusal = Errors.unknownCommand(name, argv);
        } else if (spec.isContainer() && argv.size() >= 2) {
            String subName = new String(argv.get(1), StandardCharsets.UTF_8);
            CommandSpec sub = spec.subcommand(subName);
            if (sub == null) {
                refusal = Errors.unknownSubcommand(subName, spec.name());
            } else {
                spec = sub;
            }
        }
        // Redis words some refusals without an error code (rejectCommandFormat): an EXEC refused so
        // says "EXECABORT ... because of: wrong number of ...", the others "...: ERR ...".
        boolean uncoded = false;
        if (refusal == null && !spec.arityOk(argv.size())) {
            refusal = Errors.wrongArity(spec.name());
            uncoded = true;
        }
        if (refusal == null && session.authRequired() && !spec.has(CommandFlag.NO_AUTH)) {
            refusal = Errors.NOAUTH;
        }
        boolean queueing = tx.inMulti() && (spec == null || !TRANSACTION_CONTROL.contains(spec.name()));
        if (refusal == null && queueing && spec.has(CommandFlag.NO_MULTI)) {
            refusal = "ERR Command not allowed inside a transaction";
        }
        if (refusal == null) {
            refusal = aclRefusal(session, spec, argv, tx.inMulti() ? "multi" : "toplevel");
        }
        boolean redirected = false;
        if (refusal == null && hub.cluster().enabled()) {
            refusal = clusterRedirect(session, spec, argv);
            redirected = refusal != null;
        }
        if (refusal == null && !spec.has(CommandFlag.ALLOW_BUSY) && hub.scripts().busy()) {
            refusal = hub.scripts().busyError();
        }
        if (refusal == null && spec.has(CommandFlag.WRITE) && hub.replication().isReplica()
                && hub.config().getBool("replica-read-only")) {
            refusal = "READONLY You can't write against a read only replica.";
        }
        if (refusal == null && session.monitoring()
                && (spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.READONLY))) {
            refusal = "ERR Replica can't interact with the keyspace";
        }
        if (refusal == null && session.inSubscribedMode()
                && !io.rockhub.resp.pubsub.PubSubCommands.allowedWhileSubscribed(spec.name())) {
            refusal = "ERR Can't execute '" + spec.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING"
                    + " / QUIT / RESET are allowed in this context";
            uncoded = true;
        }
        if (refusal != null) {
            // Redis counts a refusal against the command it names, but not an unknown (sub)command.
            if (spec != null && !spec.isContainer()) {
                hub.stats().rejected(spec.name());
            }
            if (spec != null && spec.name().equals("exec")) {
                // A refused EXEC discards the transaction and says so, as Redis's execCommandAbort;
                // a redirect (its commands' keys are elsewhere) is told as it is.
                tx.end();
                hub.watches().unwatchAll(session);
                out.error(redirected ? refusal : "EXECABORT Transaction discarded because of: "
                        + (uncoded && refusal.startsWith("ERR ") ? refusal.substring(4) : refusal));
                return;
            }
            out.error(refusal);
            if (queueing) {
                tx.fail();
            }
            return;
        }
        session.touched(spec.name());
        if (queueing) {
            // Keys go into the database selected by then: a queued SELECT counts. EXEC moves them
            // to that database's namespace as it is when the transaction runs.
            // (in the namespace the database has now; EXEC moves them if SWAPDB changed it meanwhile)
            DbKeys.Rewritten rw = DbKeys.rewrite(spec, argv, hub.databases().namespace(tx.queuedDb()));
            try {
                tx.queue(new Transaction.Queued(spec, rw.argv(), spec.parser().parse(new Args(rw.argv())), null,
                        tx.queuedDb(), rw.keys(), argv));
                Long selected = spec.name().equals("select") ? io.rockhub.core.util.Numbers.parseLong(argv.get(1)) : null;
                if (selected != null && selected >= 0 && selected < hub.databaseCount()) {
                    tx.queuedDb(selected.intValue());
                }
            } catch (CommandError e) {
                tx.queue(new Transaction.Queued(spec, rw.argv(), null, e.getMessage(), tx.queuedDb(), rw.keys(), argv));
            }
            out.simple("QUEUED");
            return;
        }
        long start = System.nanoTime();
        Execution execution;
        List<byte[]> stored;
        try {
            stored = DbKeys.argv(spec, argv, hub.databases().namespace(session.db()));
            execution = spec.parser().parse(new Args(stored));
        } catch (CommandError e) {
            out.error(e.getMessage());
            hub.stats().record(spec.name(), (System.nanoTime() - start) / 1000, true);
            feedMonitors(hub, session, spec, argv);
            return;
        }
        io.rockhub.resp.pubsub.KeyMisses.report(hub, spec, stored);
        // Remembered before the read: a write that lands between the two still invalidates.
        rememberReads(hub, session, spec, stored);
        boolean tracked = hub.tracking().active();
        if (tracked) {
            hub.tracking().writer(session.id()); // for NOLOOP
        }
        boolean monitorFirst = spec.has(CommandFlag.SKIP_MONITOR);
        if (monitorFirst) {
            // A script is shown before the commands it runs, as Redis does.
            hub.monitors().feedIfActive(session.db(), session.address(), argv);
        }
        Burst burst = session.burst();
        if (burst != null) {
            burst.before(session, spec, stored);
        }
        long end = run(hub, session, spec, execution, out, start);
        session.replySequence(replySequence(session, spec, stored));
        if (tracked) {
            hub.tracking().writer(-1);
        }
        if (!spec.name().equals("client|caching") && !session.transaction().inMulti()) {
            session.tracking().commandDone();
        }
        if (!monitorFirst) {
            feedMonitors(hub, session, spec, argv);
        }
        // One reading of each clock for the bookkeeping after a command: on a virtual machine a
        // clock read costs as much as a small command's own work.
        long now = hub.clock().millis();
        touchKeys(session, spec, stored, now);
        long micros = (end - start) / 1000;
        hub.latency().command(micros, spec.has(CommandFlag.FAST), now);
        if (hub.slowLog().wants(micros) && !spec.has(CommandFlag.SKIP_SLOWLOG)) {
            hub.slowLog().record(Redaction.redact(argv), micros, now / 1000, session.address(), session.name());
        }
    }

    /**
     * In cluster mode, where a command must go (null: here): its keys, or for EXEC the keys of every
     * queued command, must hash to one slot this node serves (see {@link io.rockhub.resp.cluster.Cluster#redirect}).
     */
    private String clusterRedirect(ClientSession session, CommandSpec spec, List<byte[]> argv) {
        if (!spec.name().equals("exec")) {
            // A replica serves shard channels of its primary's slots without READONLY, as Redis does.
            return hub.cluster().redirect(routedKeys(spec, argv), mayWrite(spec),
                    session.clusterReadOnly() || shardChannels(spec));
        }
        if (!session.transaction().inMulti()) {
            return null;
        }
        List<byte[]> keys = new java.util.ArrayList<>();
        boolean write = false;
        for (Transaction.Queued q : session.transaction().queued()) {
            keys.addAll(routedKeys(q.spec(), q.original()));
            write |= mayWrite(q.spec());
        }
        return hub.cluster().redirect(keys, write, session.clusterReadOnly());
    }

    /** SPUBLISH, SSUBSCRIBE, SUNSUBSCRIBE: their channels hash to slots and are routed as keys are. */
    private static boolean shardChannels(CommandSpec spec) {
        return switch (spec.name()) {
            case "spublish", "ssubscribe", "sunsubscribe" -> true;
            default -> false;
        };
    }

    /** What a command is routed by in cluster mode: its keys, or a shard channel command's channels. */
    private static List<byte[]> routedKeys(CommandSpec spec, List<byte[]> argv) {
        if (!shardChannels(spec)) {
            return DbKeys.keys(spec, argv);
        }
        return spec.name().equals("spublish") ? argv.subList(1, Math.min(2, argv.size())) : argv.subList(1, argv.size());
    }

    /** A script or function not declared read-only may write, as Redis counts it for routing. */
    private static boolean mayWrite(CommandSpec spec) {
        return spec.has(CommandFlag.WRITE) || !spec.has(CommandFlag.READONLY)
                && (spec.name().startsWith("eval") || spec.name().startsWith("fcall"));
    }

    /**
     * Commands that show no data and store nothing a client relies on, answered without waiting for
     * other clients' writes to be durable (and, on a cluster primary, on its synchronous replicas):
     * the controller's connections, probes, leases and topology pushes, and what operators check, must not stall
     * behind a replica that stopped acknowledging (the controller is what takes it out of the set).
     */
    static boolean repliesAtOnce(CommandSpec spec) {
        return switch (spec.name()) {
            case "info", "role" -> true;
            case "wait" -> false; // answers when replicas acknowledged, its own way
            // A migration's copy, and the keys of a slot dropped: acknowledged once durable, as any write.
            case "clusterx|import", "clusterx|dropslots" -> false;
            // The connection's own commands (PING, HELLO, CLIENT SETINFO that clients send as they
            // connect, SELECT...) and the cluster's.
            default -> spec.categories().contains("@connection") || spec.name().startsWith("cluster|")
                    || spec.name().startsWith("clusterx|");
        };
    }

    /**
     * What the reply of a command that only read its fixed keys must wait to be durable: the last
     * commits of those keys; 0 for one that replies at once. -1 for any other command: everything
     * committed so far.
     */
    private long replySequence(ClientSession session, CommandSpec spec, List<byte[]> stored) {
        if (repliesAtOnce(spec)) {
            return 0;
        }
        if (!spec.has(CommandFlag.READONLY) || spec.has(CommandFlag.MOVABLEKEYS) || session.transaction().inMulti()) {
            return -1;
        }
        int[] positions = DbKeys.positions(spec, stored);
        if (positions.length == 0) {
            return -1;
        }
        long sequence = 0;
        for (int i : positions) {
            sequence = Math.max(sequence, hub.keys().readSequence(stored.get(i)));
        }
        return sequence;
    }

    /** Records the access of the command's keys for OBJECT IDLETIME (not for commands Redis runs without touching). */
    private void touchKeys(ClientSession session, CommandSpec spec, List<byte[]> stored, long now) {
        if (!KeyAccess.touches(spec.name(), session.noTouch())) {
            return;
        }
        for (int i : DbKeys.positions(spec, stored)) {
            hub.keyAccess().touch(stored.get(i), now);
        }
    }

    /**
     * A command called by a script (redis.call): Redis's refusals for scripts, then the command
     * itself in the calling client's database and session, its reply written to {@code out}.
     */
    /**
     * Asked before a script's command runs, once it parsed: what the keys it names (stored keys, in
     * its database) allow. A refusal is the command's error reply; the command does not run.
     */
    public interface ScriptGate {
        /** Null to let {@code spec} run on {@code keys}, else the error it answers instead. */
        String refusal(CommandSpec spec, List<byte[]> keys);
    }

    public void runFromScript(ClientSession session, List<byte[]> argv, RespWriter out, boolean readOnlyScript,
                              ScriptGate gate) {
        String name = new String(argv.get(0), StandardCharsets.UTF_8);
        CommandSpec spec = hub.commands().lookup(name);
        if (spec != null && spec.isContainer()) {
            spec = argv.size() >= 2 ? spec.subcommand(new String(argv.get(1), StandardCharsets.UTF_8)) : null;
        }
        if (spec == null) {
            out.error("ERR Unknown Redis command called from script");
            return;
        }
        if (!spec.arityOk(argv.size())) {
            out.error("ERR Wrong number of args calling Redis command from script");
            return;
        }
        if (spec.has(CommandFlag.NOSCRIPT)) {
            out.error("ERR This Redis command is not allowed from script");
            return;
        }
        io.rockhub.resp.acl.Acl.Denial denial = hub.acl().check(session.user(), spec, argv);
        if (denial != null) {
            io.rockhub.resp.acl.AclCommands.logDenial(hub, session, denial, spec.name(), argv, "lua");
            out.error(switch (denial.reason()) {
                case COMMAND -> "ERR The user executing the script can't run this command or subcommand";
                case KEY -> "ERR The user executing the script can't access at least one of the keys mentioned in the"
                        + " command arguments";
                default -> "ERR The user executing the script can't publish to the channel mentioned in the command";
            });
            return;
        }
        if (readOnlyScript && spec.has(CommandFlag.WRITE)) {
            out.error("ERR Write commands are not allowed from read-only scripts.");
            return;
        }
        if (spec.has(CommandFlag.WRITE) && hub.replication().isReplica() && hub.config().getBool("replica-read-only")) {
            out.error("READONLY You can't write against a read only replica.");
            return;
        }
        long start = System.nanoTime();
        List<byte[]> stored = DbKeys.argv(spec, argv, hub.databases().namespace(session.db()));
        Execution execution;
        try {
            execution = spec.parser().parse(new Args(stored));
        } catch (CommandError e) {
            out.error(e.getMessage());
            hub.stats().record(spec.name(), (System.nanoTime() - start) / 1000, true);
            return;
        }
        if (gate != null) {
            String refused = gate.refusal(spec, DbKeys.keys(spec, stored));
            if (refused != null) {
                out.error(refused);
                return;
            }
        }
        run(hub, session, spec, execution, out, start);
        if (!spec.has(CommandFlag.ADMIN)) {
            hub.monitors().feedIfActive(session.db(), "lua", argv);
        }
    }

    /** CLIENT TRACKING: the keys a read-only command read are remembered for invalidation. */
    static void rememberReads(Hub hub, ClientSession session, CommandSpec spec, List<byte[]> stored) {
        if (!spec.has(CommandFlag.READONLY) || !session.tracking().remembersReads()) {
            return;
        }
        int[] at = DbKeys.positions(spec, stored);
        if (at.length == 0) {
            return;
        }
        List<byte[]> keys = new java.util.ArrayList<>(at.length);
        for (int i : at) {
            keys.add(io.rockhub.core.encoding.StoredKey.user(stored.get(i)));
        }
        hub.tracking().remember(session.id(), keys);
    }

    /** Shows a command that ran (or failed as it ran) to MONITOR clients; not admin commands, as Redis. */
    static void feedMonitors(Hub hub, ClientSession session, CommandSpec spec, List<byte[]> argv) {
        if (hub.monitors().active() && !spec.has(CommandFlag.ADMIN)) {
            hub.monitors().feed(session.db(), session.address(), argv);
        }
    }

    /**
     * Runs a parsed command and records it; a fault becomes an error reply for this command alone
     * (whatever it had written of its reply is taken back).
     */
    /** Runs the command and records it in the command statistics; returns when it ended (System.nanoTime). */
    static long run(Hub hub, ClientSession session, CommandSpec spec, Execution execution, RespWriter out, long start) {
        boolean failed = false;
        int mark = out.buffer().writerIndex();
        long errorsBefore = out.errorCount();
        try {
            execution.run(new CommandContext(hub, session), out);
        } catch (io.rockhub.core.storage.ScriptBusyException e) {
            failed = true;
            out.buffer().writerIndex(mark);
            out.error(hub.scripts().busyError());
        } catch (StorageException e) {
            failed = true;
            out.buffer().writerIndex(mark);
            LOG.error("storage fault in {}", spec.name(), e);
            out.error("ERR storage error: " + e.getMessage());
        } catch (RuntimeException e) {
            failed = true;
            out.buffer().writerIndex(mark);
            LOG.error("bug: {} failed", spec.name(), e);
            // The exception's text is for the log: a client gets no Java internals.
            out.error("ERR internal error in '" + spec.name() + "', see the server log");
        }
        // As Redis: a command failed if it answered with an error, whatever the reason.
        failed |= out.errorCount() > errorsBefore;
        long end = System.nanoTime();
        hub.stats().record(spec.name(), (end - start) / 1000, failed);
        return end;
    }
}
