package io.rockhub.resp.server;

import io.netty.channel.Channel;
import io.rockhub.resp.command.Blocking;
import io.rockhub.resp.protocol.DecoderLimits;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection's state: identity, protocol version, authentication and what CLIENT LIST
 * shows. Mutated only on the connection's event loop; read by others (CLIENT LIST) without locks,
 * so fields are volatile.
 */
public final class ClientSession implements DecoderLimits {
    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final Hub hub;
    private final Channel channel;
    private final long createdMillis;
    private volatile long lastInteractionMillis;
    private volatile String name = "";
    private volatile String libName = "";
    private volatile String libVersion = "";
    private volatile int protocol = 2;
    private volatile boolean authenticated;
    private volatile io.rockhub.resp.acl.User user;
    private volatile int db;
    private volatile boolean noEvict;
    /** CLIENT NO-TOUCH (Redis 7.2): this client's commands leave OBJECT IDLETIME alone, except TOUCH. */
    private volatile boolean noTouch;
    /** CLIENT REPLY: ON, OFF, or SKIP (set by SKIP for the next command: SKIP_NEXT, then SKIP). */
    public enum ReplyMode { ON, OFF, SKIP_NEXT, SKIP }

    private ReplyMode replyMode = ReplyMode.ON;
    private volatile String lastCommand = "NULL";
    private volatile boolean closeRequested;
    private final Transaction transaction = new Transaction();
    private io.rockhub.resp.pubsub.PushSink pushSink;
    private Burst burst;
    private volatile io.rockhub.resp.pubsub.Subscriber subscriber;
    private volatile boolean monitoring;
    private final io.rockhub.resp.tracking.ClientTracking tracking = new io.rockhub.resp.tracking.ClientTracking();
    private Blocking blocking;
    private boolean executingTransaction;
    /** READONLY: in cluster mode a replica serves this client's reads of its primary's slots. */
    private volatile boolean clusterReadOnly;

    public boolean clusterReadOnly() {
        return clusterReadOnly;
    }

    public void clusterReadOnly(boolean on) {
        this.clusterReadOnly = on;
    }

    public ClientSession(Hub hub, Channel channel) {
        this.hub = hub;
        this.channel = channel;
        this.createdMillis = hub.clock().millis();
        this.lastInteractionMillis = createdMillis;
    }

    /** A blocking command asks to wait (see {@link Blocking}); the connection picks it up after the command. */
    public void block(Blocking b) {
        this.blocking = b;
    }

    private long replySequence = -1;

    /** Set by the dispatcher: the commit the last command's reply waits for (-1: all so far). */
    void replySequence(long sequence) {
        this.replySequence = sequence;
    }

    /** The sequence {@link #replySequence} set, once; -1 when none was set (the caller waits for all). */
    long takeReplySequence() {
        long s = replySequence;
        replySequence = -1;
        return s;
    }

    private java.util.function.Consumer<io.rockhub.resp.protocol.RespWriter> offloaded;
    private boolean offloadedRead;
    private java.util.concurrent.Executor offloadExecutor;

    /** The connection's event loop; null when no handler of its own can wait for offloaded work. */
    private io.netty.util.concurrent.EventExecutor loop;

    /** Whether none of the connection's work is off its loop now (its later requests wait behind such). */
    private java.util.function.BooleanSupplier nothingOffloaded = () -> false;

    /** Set by the connection's handler: it can wait for work run on another thread (a script, a read). */
    void canOffload(io.netty.util.concurrent.EventExecutor loop, java.util.function.BooleanSupplier nothingOffloaded) {
        this.loop = loop;
        this.nothingOffloaded = nothingOffloaded;
    }

    /**
     * Whether a script may run right here, on the connection's event loop, instead of being handed
     * to the script thread: the loop is the caller, the command is not inside EXEC, and none of the
     * connection's earlier requests is still off the loop (it would be answered after this one).
     */
    public boolean mayRunOnLoop() {
        return loop != null && loop.inEventLoop() && !executingTransaction && nothingOffloaded.getAsBoolean();
    }

    /**
     * Asks the connection to run {@code work} off its event loop, writing the command's reply to the
     * writer it is given; the connection reads nothing more until then. False when this connection
     * cannot (no handler of its own, or inside EXEC): run it in place.
     */
    public boolean offload(java.util.function.Consumer<io.rockhub.resp.protocol.RespWriter> work) {
        if (loop == null || executingTransaction) {
            return false;
        }
        this.offloaded = work;
        return true;
    }

    /**
     * As {@link #offload}, for a read that would wait for the disk: it runs on the read pool, so the
     * event loop goes on serving other connections. False unless called by the connection's own
     * event loop for a command it dispatched (not inside EXEC, not from a script's thread).
     */
    public boolean offloadRead(java.util.function.Consumer<io.rockhub.resp.protocol.RespWriter> work) {
        if (loop == null || !loop.inEventLoop() || !hub.reads().enabled() || !offload(work)) {
            return false;
        }
        offloadedRead = true;
        return true;
    }

    /**
     * As {@link #offload}, on {@code executor} (its own thread, running its work in order): a
     * migration's import, whose 4 MB batches would otherwise keep the event loop from the
     * connection's neighbours. False when this connection cannot: run it in place.
     */
    public boolean offloadTo(java.util.concurrent.Executor executor,
                             java.util.function.Consumer<io.rockhub.resp.protocol.RespWriter> work) {
        if (loop == null || !loop.inEventLoop() || !offload(work)) {
            return false;
        }
        offloadExecutor = executor;
        return true;
    }

    /** Where the work {@link #takeOffload} just gave runs, if not on the script thread or read pool. */
    java.util.concurrent.Executor takeOffloadExecutor() {
        java.util.concurrent.Executor e = offloadExecutor;
        offloadExecutor = null;
        return e;
    }

    java.util.function.Consumer<io.rockhub.resp.protocol.RespWriter> takeOffload() {
        java.util.function.Consumer<io.rockhub.resp.protocol.RespWriter> w = offloaded;
        offloaded = null;
        return w;
    }

    /** Whether the work {@link #takeOffload} just gave is a read (see {@link #offloadRead}). */
    boolean takeOffloadedRead() {
        boolean r = offloadedRead;
        offloadedRead = false;
        return r;
    }

    Blocking takeBlocking() {
        Blocking b = blocking;
        blocking = null;
        return b;
    }

    /** Inside EXEC, blocking commands answer at once, as in Redis. */
    public boolean executingTransaction() {
        return executingTransaction;
    }

    public void executingTransaction(boolean v) {
        this.executingTransaction = v;
    }

    void pushSink(io.rockhub.resp.pubsub.PushSink sink) {
        this.pushSink = sink;
    }

    /** The connection's pipelined-write batch (null for sessions without a connection of their own). */
    Burst burst() {
        return burst;
    }

    void burst(Burst b) {
        this.burst = b;
    }

    /**
     * The connection's pipelined burst as a script run on its event loop may join it; null off that
     * loop, without a connection of its own, or for a client sent pushes its writes cause (their
     * writes commit one by one: see {@link Burst}).
     */
    public ScriptBurst scriptBurst() {
        return onOwnLoop() && !LoopBatch.receivesPushes(this) ? burst : null;
    }

    private boolean onOwnLoop() {
        return burst != null && loop != null && loop.inEventLoop();
    }

    /** Commits the connection's pipelined burst, if called on its event loop (before a script runs alone or off it). */
    public void commitBurst() {
        if (onOwnLoop()) {
            burst.commit();
        }
    }

    /** This connection's Pub/Sub state, made on first use (only on the connection's event loop). */
    public io.rockhub.resp.pubsub.Subscriber subscriber() {
        io.rockhub.resp.pubsub.Subscriber s = subscriber;
        if (s == null) {
            s = new io.rockhub.resp.pubsub.Subscriber(id, pushSink);
            subscriber = s;
        }
        return s;
    }

    /** This connection's Pub/Sub state if it ever subscribed, else null. */
    public io.rockhub.resp.pubsub.Subscriber subscriberIfAny() {
        return subscriber;
    }

    /** CLIENT TRACKING settings of this connection. */
    public io.rockhub.resp.tracking.ClientTracking tracking() {
        return tracking;
    }

    /** In MONITOR mode: it receives every command run and may not touch keys. */
    public boolean monitoring() {
        return monitoring;
    }

    public void monitoring(boolean v) {
        this.monitoring = v;
    }

    /** RESP2 with a subscription: only the (un)subscribe commands, PING, QUIT and RESET may run. */
    public boolean inSubscribedMode() {
        io.rockhub.resp.pubsub.Subscriber s = subscriber;
        return protocol == 2 && s != null && s.subscribed();
    }

    /** MULTI/EXEC and WATCH state of this connection. */
    public Transaction transaction() {
        return transaction;
    }

    public long id() {
        return id;
    }

    public Channel channel() {
        return channel;
    }

    @Override
    public long maxBulkLength() {
        return hub.maxBulkLength();
    }

    @Override
    public boolean authRequired() {
        return !authenticated && hub.passwordRequired();
    }

    public void authenticated(boolean value) {
        this.authenticated = value;
    }

    /** The ACL user this connection runs as (the default user until AUTH or HELLO AUTH). */
    public io.rockhub.resp.acl.User user() {
        io.rockhub.resp.acl.User u = user;
        return u != null ? u : hub.acl().defaultUser();
    }

    public void user(io.rockhub.resp.acl.User u) {
        this.user = u;
    }

    public ReplyMode replyMode() {
        return replyMode;
    }

    public void replyMode(ReplyMode mode) {
        this.replyMode = mode;
    }

    /**
     * After a command: whether its reply must be dropped (CLIENT REPLY OFF, or the command after a
     * SKIP), and the SKIP states move on, as Redis's call() does.
     */
    boolean finishCommandReply() {
        boolean drop = replyMode == ReplyMode.OFF || replyMode == ReplyMode.SKIP;
        if (replyMode == ReplyMode.SKIP) {
            replyMode = ReplyMode.ON;
        } else if (replyMode == ReplyMode.SKIP_NEXT) {
            replyMode = ReplyMode.SKIP;
        }
        return drop;
    }

    public boolean noTouch() {
        return noTouch;
    }

    public void noTouch(boolean v) {
        this.noTouch = v;
    }

    public void noEvict(boolean v) {
        this.noEvict = v;
    }

    /** The database SELECT chose (0 at first and after RESET). */
    public int db() {
        return db;
    }

    public void db(int index) {
        this.db = index;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int version) {
        this.protocol = version;
    }

    public String name() {
        return name;
    }

    public void name(String name) {
        this.name = name;
    }

    public void libName(String v) {
        this.libName = v;
    }

    public void libVersion(String v) {
        this.libVersion = v;
    }

    public void touched(String commandName) {
        this.lastCommand = commandName;
        this.lastInteractionMillis = hub.clock().millis();
    }

    public long idleMillis(long now) {
        return Math.max(0, now - lastInteractionMillis);
    }

    /** Asks the connection to close once the replies written so far are flushed (QUIT, CLIENT KILL). */
    public void requestClose() {
        this.closeRequested = true;
    }

    public boolean closeRequested() {
        return closeRequested;
    }

    public String address() {
        return format(channel.remoteAddress());
    }

    public String localAddress() {
        return format(channel.localAddress());
    }

    private static String format(java.net.SocketAddress a) {
        if (a instanceof InetSocketAddress isa) {
            return isa.getAddress().getHostAddress() + ":" + isa.getPort();
        }
        return String.valueOf(a);
    }

    /** CLIENT LIST's flags, in Redis's order; N when none. */
    private String flags() {
        io.rockhub.resp.pubsub.Subscriber s = subscriber;
        String f = (monitoring ? "O" : "") + (s != null && s.subscribed() ? "P" : "") + (transaction.inMulti() ? "x" : "")
                + (tracking.on() ? "t" : "") + (tracking.brokenRedirect() ? "R" : "") + (tracking.bcast() ? "B" : "") + (noEvict ? "e" : "") + (noTouch ? "T" : "");
        return f.isEmpty() ? "N" : f;
    }

    /** Replies queued for this client and not yet taken by its socket (CLIENT LIST's omem). */
    public long outputBytes() {
        io.rockhub.resp.pubsub.PushSink sink = pushSink;
        return sink == null ? 0 : sink.pendingBytes();
    }

    /** One line of CLIENT LIST / CLIENT INFO, fields in Redis's order. */
    public String describe(long now) {
        return "id=" + id + " addr=" + address() + " laddr=" + localAddress() + " fd=-1 name=" + name
                + " age=" + (now - createdMillis) / 1000 + " idle=" + idleMillis(now) / 1000
                + " flags=" + flags() + " db=" + db + " sub=" + (subscriber == null ? 0 : subscriber.channelCount())
                + " psub=" + (subscriber == null ? 0 : subscriber.patternCount())
                + " ssub=" + (subscriber == null ? 0 : subscriber.shardCount()) + " multi="
                + (transaction.inMulti() ? transaction.queued().size() : -1) + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0"
                + " rbs=0 rbp=0 obl=0 oll=0 omem=" + outputBytes() + " tot-mem=0 events=r cmd=" + lastCommand
                + " user=" + user().name() + " redir=" + (tracking.on() ? tracking.redirect() : -1) + " resp=" + protocol + " lib-name=" + libName + " lib-ver=" + libVersion;
    }
}
