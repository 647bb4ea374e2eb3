package io.rockhub.resp.server;

import io.rockhub.core.storage.KeyLocks;

/**
 * What a script run by key on its client's event loop sees of that loop's open batch (see
 * {@link LoopBatch}): it may join it, so that a pipeline of scripts is one RocksDB batch and one pass
 * of its write path instead of one per script. A joined script's writes are marked off by a
 * savepoint: if the script must start over, they go and the batch's earlier writes stay.
 */
public interface ScriptBurst {
    /** Whether the burst has a transaction open (the script reads through it and must join it). */
    boolean isOpen();

    /**
     * Before the script's first command: an open burst the script could not read through (a plain
     * batch) commits now.
     */
    void beforeScript();

    /**
     * Joins the script: opens the burst's transaction if none is open and sets a savepoint. False
     * (nothing changed) when the burst cannot take it now: the script then writes in a transaction
     * of its own.
     */
    boolean join();

    /** The joined script ended: its writes stay in the burst, and its keys stay locked until the burst commits. */
    void keep(KeyLocks.Holding scriptKeys);

    /** The joined script starts over (or failed in the server): its writes go, the burst's earlier ones stay. */
    void drop();

    /** Commits what the burst gathered (before a script runs alone among writers or off the loop). */
    void commit();
}
