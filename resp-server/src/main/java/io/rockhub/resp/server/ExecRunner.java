package io.rockhub.resp.server;

import io.rockhub.core.storage.KeyLocks;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandFlag;
import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.protocol.RespWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * EXEC: runs the queued commands isolated from other clients (it holds the lock of every key they
 * name, or every lock when a command's keys cannot be known in advance) and atomically (their
 * writes are one RocksDB batch). A watched key that changed or expired since WATCH makes EXEC
 * answer a null array and run nothing.
 */
public final class ExecRunner {
    private static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

    private ExecRunner() {
    }

    public static void exec(CommandContext ctx, RespWriter out) {
        Hub hub = ctx.hub();
        ClientSession session = ctx.session();
        Transaction tx = session.transaction();
        if (!tx.inMulti()) {
            out.error("ERR EXEC without MULTI");
            return;
        }
        List<Transaction.Queued> queued = new ArrayList<>(tx.queued());
        boolean failed = tx.failed();
        tx.end();
        if (failed) {
            hub.watches().unwatchAll(session);
            out.error(EXECABORT);
            return;
        }
        for (Transaction.Queued q : queued) {
            DbKeys.move(q.keys(), hub.databases().namespace(q.db()));
        }
        List<byte[]> keys = new ArrayList<>();
        for (ByteBuffer w : tx.watched().keySet()) {
            keys.add(w.array());
        }
        boolean everything = collectKeys(queued, keys);
        try (KeyLocks.Held held = everything ? hub.keys().locks().lockAll() : hub.keys().locks().lock(keys)) {
            boolean abort = tx.touched() || watchedKeyExpired(hub, tx);
            hub.watches().unwatchAll(session);
            if (abort) {
                out.nullArray();
                return;
            }
            out.array(queued.size());
            session.executingTransaction(true);
            try {
                hub.keys().runTransaction(() -> {
                    for (Transaction.Queued q : queued) {
                        // Again, as it runs: a SWAPDB earlier in this transaction moves later commands' data.
                        DbKeys.move(q.keys(), hub.databases().namespace(q.db()));
                        io.rockhub.resp.acl.Acl.Denial denied = q.error() == null
                                ? hub.acl().check(session.user(), q.spec(), q.original()) : null;
                        if (q.error() != null) {
                            out.error(q.error());
                            Dispatcher.feedMonitors(hub, session, q.spec(), q.original());
                        } else if (denied != null) {
                            // The rules changed after it was queued: it is refused now, as Redis.
                            io.rockhub.resp.acl.AclCommands.logDenial(hub, session, denied, q.spec().name(), q.original(),
                                    "multi");
                            out.error("NOPERM ACLs rules changed between the moment the transaction was accumulated and"
                                    + " the EXEC call. This command is no longer allowed for the following reason: "
                                    + switch (denied.reason()) {
                                        case COMMAND -> "no permission to execute the command or subcommand";
                                        case KEY -> "no permission to touch the specified keys";
                                        default -> "no permission to access one of the channels used as arguments";
                                    });
                        } else {
                            io.rockhub.resp.pubsub.KeyMisses.report(hub, q.spec(), q.argv());
                            Dispatcher.rememberReads(hub, session, q.spec(), q.argv());
                            boolean scriptFirst = q.spec().has(io.rockhub.resp.command.CommandFlag.SKIP_MONITOR);
                            if (scriptFirst) {
                                hub.monitors().feedIfActive(session.db(), session.address(), q.original());
                            }
                            Dispatcher.run(hub, session, q.spec(), q.execution(), out, System.nanoTime());
                            if (!scriptFirst) {
                                Dispatcher.feedMonitors(hub, session, q.spec(), q.original());
                            }
                            if (KeyAccess.touches(q.spec().name(), session.noTouch())) {
                                hub.keyAccess().touchAll(q.keys(), hub.clock().millis());
                            }
                        }
                    }
                });
            } finally {
                session.executingTransaction(false);
            }
        }
    }

    /** Adds the keys each command names; true when some command's keys cannot be listed. */
    private static boolean collectKeys(List<Transaction.Queued> queued, List<byte[]> keys) {
        for (Transaction.Queued q : queued) {
            CommandSpec spec = q.spec();
            if (spec.has(CommandFlag.MOVABLEKEYS) || (spec.firstKey() == 0 && spec.has(CommandFlag.WRITE))) {
                return true;
            }
            if (spec.firstKey() == 0) {
                continue;
            }
            int argc = q.argv().size();
            int last = spec.lastKey() < 0 ? argc + spec.lastKey() : spec.lastKey();
            for (int i = spec.firstKey(); i <= last && i < argc; i += Math.max(1, spec.step())) {
                keys.add(q.argv().get(i));
            }
        }
        return false;
    }

    /** Redis fails EXEC when a watched key existed at WATCH and has expired since. */
    private static boolean watchedKeyExpired(Hub hub, Transaction tx) {
        long now = hub.clock().millis();
        for (Map.Entry<ByteBuffer, Transaction.Watched> e : tx.watched().entrySet()) {
            Transaction.Watched w = e.getValue();
            if (w.existed() && w.expireAt() != 0 && w.expireAt() <= now) {
                return true;
            }
            if (w.existed() && hub.keys().live(e.getKey().array()) == null) {
                return true;
            }
        }
        return false;
    }
}
