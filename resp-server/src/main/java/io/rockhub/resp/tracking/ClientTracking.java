package io.rockhub.resp.tracking;

import java.util.List;

/**
 * One connection's CLIENT TRACKING settings. Changed only on the connection's event loop; read by
 * writers on other threads when they invalidate, hence volatile and immutable lists.
 */
public final class ClientTracking {
    private volatile boolean on;
    private volatile long redirect;
    private volatile boolean bcast;
    private volatile boolean optIn;
    private volatile boolean optOut;
    private volatile boolean noLoop;
    private volatile boolean brokenRedirect;
    private volatile List<byte[]> prefixes = List.of();
    /** CLIENT CACHING YES/NO for the next command (kept through a MULTI until its EXEC). */
    private boolean caching;

    public boolean on() {
        return on;
    }

    public long redirect() {
        return redirect;
    }

    public boolean bcast() {
        return bcast;
    }

    public boolean optIn() {
        return optIn;
    }

    public boolean optOut() {
        return optOut;
    }

    public boolean noLoop() {
        return noLoop;
    }

    public boolean brokenRedirect() {
        return brokenRedirect;
    }

    void brokenRedirect(boolean v) {
        brokenRedirect = v;
    }

    public List<byte[]> prefixes() {
        return prefixes;
    }

    void enable(long redirect, boolean bcast, boolean optIn, boolean optOut, boolean noLoop, List<byte[]> prefixes) {
        this.redirect = redirect;
        this.bcast = bcast;
        this.optIn = optIn;
        this.optOut = optOut;
        this.noLoop = noLoop;
        this.prefixes = List.copyOf(prefixes);
        this.brokenRedirect = false;
        this.on = true;
    }

    void disable() {
        on = false;
        redirect = 0;
        bcast = false;
        optIn = false;
        optOut = false;
        noLoop = false;
        brokenRedirect = false;
        prefixes = List.of();
        caching = false;
    }

    void caching(boolean v) {
        caching = v;
    }

    /** After a command (not CLIENT CACHING, not while queuing a MULTI): the CACHING choice is spent. */
    public void commandDone() {
        caching = false;
    }

    /** Whether the keys the current command reads are to be remembered (OPTIN needs CACHING YES; OPTOUT honours CACHING NO). */
    public boolean remembersReads() {
        if (!on || bcast) {
            return false;
        }
        if (optIn) {
            return caching;
        }
        return !(optOut && caching);
    }
}
