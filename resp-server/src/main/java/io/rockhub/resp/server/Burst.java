package io.rockhub.resp.server;

import io.rockhub.core.storage.KeyLocks;
import io.rockhub.resp.command.CommandSpec;
import java.util.List;

/**
 * A connection's share of its event loop's {@link LoopBatch}: the writes it sends in one read burst
 * (and those of the other connections read in the same pass) go to RocksDB as one batch, and its
 * replies learn here whether they must wait for that batch's commit.
 */
final class Burst implements ScriptBurst {
    private final LoopBatch loop;
    final long clientId;
    /** Whether this connection's commands ran while the loop's batch was open (it is one of its members). */
    boolean member;
    /** Committed since the connection last sealed its replies (perhaps by another connection's command). */
    boolean committed;

    Burst(LoopBatch loop, long clientId) {
        this.loop = loop;
        this.clientId = clientId;
    }

    /** Before {@code spec} runs with {@code stored} arguments: joins the loop's batch or ends it. */
    void before(ClientSession session, CommandSpec spec, List<byte[]> stored) {
        loop.before(this, session, spec, stored);
    }

    /** Whether a commit happened since the last call: the replies sealed now must wait for it. */
    boolean takeCommitted() {
        boolean c = committed;
        committed = false;
        loop.sealed();
        return c;
    }

    /** Runs {@code seal} after the loop's batch commits at the end of this pass; false: it is not open, seal now. */
    boolean sealAfterCommit(Runnable seal) {
        return loop.sealAfterCommit(this, seal);
    }

    @Override
    public boolean isOpen() {
        return loop.isOpen();
    }

    @Override
    public void beforeScript() {
        loop.beforeScript();
    }

    @Override
    public boolean join() {
        return loop.joinScript(this);
    }

    @Override
    public void keep(KeyLocks.Holding scriptKeys) {
        loop.keepScript(scriptKeys);
    }

    @Override
    public void drop() {
        loop.dropScript();
    }

    /** Commits the loop's batch if this connection's commands ran in it: its replies wait for that commit. */
    void commitIfMember() {
        if (member) {
            loop.commit();
        }
    }

    /** Commits the loop's batch, whoever's writes it holds. */
    @Override
    public void commit() {
        loop.commit();
    }
}
