package io.rockhub.resp.server;

import io.rockhub.core.config.HubConfig;
import io.rockhub.core.expire.ExpirySweeper;
import io.rockhub.core.storage.Storage;
import io.rockhub.core.time.Clock;
import io.rockhub.core.types.HashStore;
import io.rockhub.core.types.KeyScanner;
import io.rockhub.core.types.Keyspace;
import io.rockhub.core.types.ListStore;
import io.rockhub.core.types.SetStore;
import io.rockhub.core.types.StreamGroupInfo;
import io.rockhub.core.types.StreamGroups;
import io.rockhub.core.types.StreamStore;
import io.rockhub.core.types.ZSetAlgebra;
import io.rockhub.core.types.ZSetStore;
import io.rockhub.core.types.StringStore;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.commands.Commands;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The services a command can reach: configuration, storage, the stores, statistics and the client
 * registry. One per server; thread-safe.
 */
public final class Hub implements AutoCloseable {
    public static final String VERSION = versionFromManifest();
    /** The Redis version whose behaviour we match, reported where clients look for one. */
    public static final String REDIS_COMPATIBLE_VERSION = "7.0.15";

    private final HubConfig config;
    private final Clock clock;
    private final Storage storage;
    private final Keyspace keys;
    private final StringStore strings;
    private final io.rockhub.core.types.BitmapStore bitmaps;
    private final io.rockhub.core.types.HyperLogLogStore hyperLogLogs;
    private final io.rockhub.core.types.GeoStore geo;
    private final io.rockhub.core.types.Dumps dumps;
    private final HashStore hashes;
    private final SetStore sets;
    private final ZSetStore zsets;
    private final ListStore lists;
    private final ZSetAlgebra zsetAlgebra;
    private final KeyScanner scanner;
    private final io.rockhub.core.types.Databases databases;
    private final int databaseCount;
    private final StreamStore streams;
    private final StreamGroups streamGroups;
    private final StreamGroupInfo streamGroupInfo;
    private final ExpirySweeper sweeper;
    private final ServerStats stats = new ServerStats();
    private final SlowLog slowLog = new SlowLog();
    private final ClientRegistry clients = new ClientRegistry();
    private final ClientPause clientPause = new ClientPause();
    private final LatencyMonitor latency = new LatencyMonitor();
    private final KeyAccess keyAccess;
    private final ScanCursors scanCursors = new ScanCursors();
    private final WatchRegistry watches = new WatchRegistry();
    private final BlockingRegistry blocked = new BlockingRegistry();
    private final io.rockhub.resp.pubsub.PubSub pubsub;
    private final io.rockhub.resp.pubsub.Monitors monitors;
    private final io.rockhub.resp.pubsub.KeyspaceNotifier keyspaceNotifier;
    private final io.rockhub.resp.tracking.Tracking tracking;
    private final io.rockhub.resp.scripting.Scripts scripts;
    private final ReadPool reads;
    private final io.rockhub.resp.tls.Tls tls;
    private final io.rockhub.resp.acl.Acl acl;
    private final io.rockhub.resp.cluster.Cluster cluster;
    private final io.rockhub.resp.cluster.SyncReplicas syncReplicas;
    private final io.rockhub.resp.cluster.SlotHold slotHold = new io.rockhub.resp.cluster.SlotHold(() -> clientPause().wakeWaiters());
    private io.rockhub.resp.cluster.Migrations migrations;
    /** The server's event loops, once it listens (see {@link #settleLoops}). */
    private volatile io.netty.channel.EventLoopGroup loops;
    private final CommandTable commands;
    private final long startMillis;
    private final String runId;
    private volatile Runnable shutdownAction = () -> { };
    private volatile java.util.function.Consumer<java.nio.file.Path> reloadAction;
    private volatile io.rockhub.resp.replication.Replication replication;
    private volatile BackupTrigger backups;
    // Read on every request by the decoder and the auth check: kept parsed, refreshed on CONFIG SET.
    private volatile long maxBulkLength;
    private volatile int port;

    private Hub(HubConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        try {
            this.tls = new io.rockhub.resp.tls.Tls(config); // before the data opens: a bad certificate stops the start
        } catch (io.rockhub.resp.tls.TlsSetupException e) {
            throw new IllegalArgumentException("Failed to configure TLS: " + e.getMessage(), e);
        }
        this.cluster = io.rockhub.resp.cluster.Cluster.open(config); // a bad cluster state stops the start first
        this.storage = Storage.open(config);
        this.syncReplicas = new io.rockhub.resp.cluster.SyncReplicas(cluster, (host, port) -> replication.ackedBy(host, port),
                () -> storage.latestSequence());
        this.keys = new Keyspace(storage, clock, config.megabytes("metadata-cache-size"),
                config.megabytes("zset-index-cache-size"));
        this.strings = new StringStore(keys);
        this.bitmaps = new io.rockhub.core.types.BitmapStore(keys, strings.values());
        this.hyperLogLogs = new io.rockhub.core.types.HyperLogLogStore(keys, strings.values());
        this.hashes = new HashStore(keys);
        this.sets = new SetStore(keys);
        this.zsets = new ZSetStore(keys);
        this.geo = new io.rockhub.core.types.GeoStore(zsets);
        this.lists = new ListStore(keys);
        this.zsetAlgebra = new ZSetAlgebra(keys, zsets);
        this.scanner = new KeyScanner(storage, clock);
        this.databases = new io.rockhub.core.types.Databases(keys, cluster.enabled());
        this.databaseCount = config.getInt("databases");
        this.streams = new StreamStore(keys);
        this.streamGroups = new StreamGroups(keys, streams);
        this.streamGroupInfo = new StreamGroupInfo(keys, streamGroups, streams);
        this.dumps = new io.rockhub.core.types.Dumps(keys, strings, lists, sets, zsets, hashes, streams, streamGroups, streamGroupInfo);
        this.sweeper = new ExpirySweeper(keys, config.getInt("expire-sweep-batch"),
                config.getLong("expire-compact-threshold"));
        this.commands = Commands.table();
        this.pubsub = new io.rockhub.resp.pubsub.PubSub(clock, config.clientBufferLimits());
        this.monitors = new io.rockhub.resp.pubsub.Monitors(clock, config.clientBufferLimits());
        this.keyspaceNotifier = new io.rockhub.resp.pubsub.KeyspaceNotifier(pubsub, databases, storage.committer());
        applyKeyspaceEvents(config.get("notify-keyspace-events"));
        this.tracking = new io.rockhub.resp.tracking.Tracking(new io.rockhub.resp.tracking.Tracking.Clients() {
            @Override
            public boolean deliver(long clientId, byte[] frame) {
                ClientSession s = clients.byId(clientId);
                if (s == null) {
                    return false;
                }
                s.subscriber().push(frame);
                return true;
            }

            @Override
            public io.rockhub.resp.tracking.Tracking.Target target(long clientId) {
                ClientSession s = clients.byId(clientId);
                if (s == null) {
                    return null;
                }
                io.rockhub.resp.pubsub.Subscriber sub = s.subscriberIfAny();
                return new io.rockhub.resp.tracking.Tracking.Target(s.protocol(), s.tracking(),
                        sub != null && sub.subscribedToInvalidations());
            }

            @Override
            public java.util.List<Long> tracking() {
                return clients.all().stream().filter(c -> c.tracking().on()).map(ClientSession::id).toList();
            }
        }, config.getLong("tracking-table-max-keys"));
        keys.addListener(tracking);
        this.scripts = new io.rockhub.resp.scripting.Scripts(this);
        this.reads = new ReadPool(config.getInt("read-threads"));
        try {
            this.acl = io.rockhub.resp.acl.Acl.open(config, commands, clock::millis);
        } catch (IllegalArgumentException e) {
            close();
            throw e;
        }
        this.migrations = new io.rockhub.resp.cluster.Migrations(this, slotHold);
        String layout = layoutRefusal(cluster.enabled());
        if (layout != null) {
            close();
            throw new IllegalArgumentException(layout);
        }
        keys.addListener(watches);
        keys.addListener(blocked);
        this.startMillis = clock.millis();
        this.keyAccess = new KeyAccess(startMillis);
        this.runId = randomId();
        this.maxBulkLength = config.getLong("proto-max-bulk-len");
        config.onChange(this::applyChange);
        slowLog.slowerThan(config.getLong("slowlog-log-slower-than"));
        slowLog.maxLength(config.getLong("slowlog-max-len"));
        latency.threshold(config.getLong("latency-monitor-threshold"));
    }

    /**
     * Why this data directory cannot be served in this mode, or null: cluster mode stores every key
     * led by its hash slot, the databases do not, so keys written in one mode are not found in the
     * other. Refused at start rather than served as an empty node.
     */
    private String layoutRefusal(boolean clusterMode) {
        byte[] slottedStart = io.rockhub.core.encoding.StoredKey.namespaceStart(io.rockhub.core.encoding.StoredKey.CLUSTER);
        if (clusterMode && scanner.anyBetween(new byte[] {0}, slottedStart)) {
            return "cluster-enabled is yes, but " + config.get("dir") + " holds keys written without cluster mode "
                    + "(numbered databases): start a cluster node on an empty directory and copy the keys to the "
                    + "cluster, or start this one with cluster-enabled no";
        }
        if (!clusterMode && scanner.anyBetween(slottedStart,
                io.rockhub.core.encoding.StoredKey.namespaceEnd(io.rockhub.core.encoding.StoredKey.CLUSTER))) {
            return "cluster-enabled is no, but " + config.get("dir") + " holds keys written in cluster mode "
                    + "(led by their hash slots): start it with cluster-enabled yes";
        }
        return null;
    }

    /** Opens storage and starts background work (sweeper). */
    public static Hub open(HubConfig config, Clock clock) {
        return open(config, clock, null);
    }

    /** As {@link #open(HubConfig, Clock)}, with who reopens the server on a full-sync copy, set before replication starts. */
    public static Hub open(HubConfig config, Clock clock, java.util.function.Consumer<java.nio.file.Path> reload) {
        return open(config, clock, reload, config.getInt("port"));
    }

    /**
     * As above, knowing the port it will listen on ({@code 0}: not yet known): a replica's link, started
     * here, tells its primary that port (REPLCONF listening-port), which ROLE and INFO show there.
     */
    public static Hub open(HubConfig config, Clock clock, java.util.function.Consumer<java.nio.file.Path> reload,
                           int port) {
        Hub hub = new Hub(config, clock);
        hub.port = port;
        hub.reloadAction = reload;
        hub.sweeper.start(config.getLong("expire-sweep-interval-ms"));
        hub.replication = io.rockhub.resp.replication.Replication.open(hub);
        return hub;
    }

    private void applyChange(String key, String value) {
        switch (key) {
            case "rocksdb.write_options.sync" -> storage.committer().setSyncMode(value.equals("yes"));
            case "rocksdb.group_commit_max_delay_us" -> storage.committer().setMaxDelayMicros(Long.parseLong(value));
            case "expire-sweep-batch" -> sweeper.setBatchLimit(Integer.parseInt(value));
            case "expire-compact-threshold" -> sweeper.setCompactThreshold(Long.parseLong(value));
            case "proto-max-bulk-len" -> maxBulkLength = Long.parseLong(value);
            case "requirepass" -> acl.requirePass(value);
            case "slowlog-log-slower-than" -> slowLog.slowerThan(Long.parseLong(value));
            case "slowlog-max-len" -> slowLog.maxLength(Long.parseLong(value));
            case "latency-monitor-threshold" -> latency.threshold(Long.parseLong(value));
            case "notify-keyspace-events" -> applyKeyspaceEvents(value);
            case "tracking-table-max-keys" -> tracking.maxKeys(Long.parseLong(value));
            case "client-output-buffer-limit" -> {
                pubsub.limits(config.clientBufferLimits());
                monitors.limits(config.clientBufferLimits());
            }
            default -> { }
        }
    }

    public long maxBulkLength() {
        return maxBulkLength;
    }

    /** Whether new connections must authenticate: the default user has a password, or is off (Redis's authRequired). */
    public boolean passwordRequired() {
        io.rockhub.resp.acl.User d = acl.defaultUser();
        return !d.nopass() || !d.enabled();
    }

    /** The ACL users and their checks. */
    public io.rockhub.resp.acl.Acl acl() {
        return acl;
    }

    public io.rockhub.resp.cluster.Cluster cluster() {
        return cluster;
    }

    /** In cluster mode, slots moving from or to this node. */
    public io.rockhub.resp.cluster.Migrations migrations() {
        return migrations;
    }

    /** Writes held on slots at a migration's cutover. */
    public io.rockhub.resp.cluster.SlotHold slotHold() {
        return slotHold;
    }

    /** The event loops its connections run on, once it listens; else null. */
    io.netty.channel.EventLoopGroup loops() {
        return loops;
    }

    /** Set by the server: the event loops its connections run on. */
    public void loops(io.netty.channel.EventLoopGroup group) {
        this.loops = group;
    }

    /**
     * Waits (at most {@code timeoutMillis}) until every command that passed a check before a hold
     * was set has run and committed; false if that took longer. Each event loop finishes the work it
     * had when called and commits its open batch (a write that ran in it would otherwise commit at
     * the end of the loop's pass, after this returned); then the script thread finishes the scripts
     * the loops handed it. Not on an event loop.
     */
    public boolean settleLoops(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        io.netty.channel.EventLoopGroup group = loops;
        if (group != null) {
            java.util.List<io.netty.util.concurrent.Future<?>> marks = new java.util.ArrayList<>();
            for (io.netty.util.concurrent.EventExecutor e : group) {
                marks.add(e.submit(this::commitLoopBatch));
            }
            for (io.netty.util.concurrent.Future<?> f : marks) {
                if (!f.await(millisUntil(deadline))) {
                    return false;
                }
            }
        }
        return scripts.settle(millisUntil(deadline));
    }

    private static long millisUntil(long deadlineNanos) {
        return Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /** On an event loop: commits its open batch, if it has one. */
    private void commitLoopBatch() {
        LoopBatch b = loopBatches.get();
        if (b != null) {
            b.commit();
        }
    }

    /** In cluster mode, what a primary's replies also wait for: its synchronous replicas. */
    public io.rockhub.resp.cluster.SyncReplicas syncReplicas() {
        return syncReplicas;
    }

    public HubConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public Storage storage() {
        return storage;
    }

    public Keyspace keys() {
        return keys;
    }

    /** DUMP / RESTORE over the five basic types' stores. */
    public io.rockhub.core.types.Dumps dumps() {
        return dumps;
    }

    public io.rockhub.core.types.GeoStore geo() {
        return geo;
    }

    public io.rockhub.core.types.HyperLogLogStore hyperLogLogs() {
        return hyperLogLogs;
    }

    public io.rockhub.core.types.BitmapStore bitmaps() {
        return bitmaps;
    }

    public StringStore strings() {
        return strings;
    }

    public HashStore hashes() {
        return hashes;
    }

    public SetStore sets() {
        return sets;
    }

    public ZSetStore zsets() {
        return zsets;
    }

    public StreamGroupInfo streamGroupInfo() {
        return streamGroupInfo;
    }

    public StreamGroups streamGroups() {
        return streamGroups;
    }

    public StreamStore streams() {
        return streams;
    }

    /** Which key namespace each numbered database is now (SWAPDB changes it). */
    public io.rockhub.core.types.Databases databases() {
        return databases;
    }

    /** The {@code databases} setting: SELECT accepts 0 .. this - 1. */
    public int databaseCount() {
        return databaseCount;
    }

    /** The key namespace of the session's database. */
    public int namespace(ClientSession session) {
        return databases.namespace(session.db());
    }

    public KeyScanner scanner() {
        return scanner;
    }

    public ZSetAlgebra zsetAlgebra() {
        return zsetAlgebra;
    }

    public ListStore lists() {
        return lists;
    }

    public ExpirySweeper sweeper() {
        return sweeper;
    }

    public SlowLog slowLog() {
        return slowLog;
    }

    public ServerStats stats() {
        return stats;
    }

    public ClientRegistry clients() {
        return clients;
    }

    public BlockingRegistry blocked() {
        return blocked;
    }

    public WatchRegistry watches() {
        return watches;
    }

    public ScanCursors scanCursors() {
        return scanCursors;
    }

    public CommandTable commands() {
        return commands;
    }

    public long startMillis() {
        return startMillis;
    }

    /** 40 random hex characters, as Redis's run ids and cluster node ids. */
    public static String randomId() {
        StringBuilder id = new StringBuilder(40);
        for (int i = 0; i < 40; i++) {
            id.append(Character.forDigit(ThreadLocalRandom.current().nextInt(16), 16));
        }
        return id.toString();
    }

    public String runId() {
        return runId;
    }

    public int port() {
        return port;
    }

    void port(int port) {
        this.port = port;
    }

    /** What SHUTDOWN runs: stops the server and, in the application, the process. */
    /** The backup service BGSAVE and LASTSAVE use, or null when none is configured. */
    public BackupTrigger backups() {
        return backups;
    }

    public void backups(BackupTrigger trigger) {
        this.backups = trigger;
    }

    public io.rockhub.resp.replication.Replication replication() {
        return replication;
    }

    /**
     * A replica's full sync left a verified copy in {@code ready}: close and reopen on it. Without
     * a reload handler (an embedded server) the copy is installed at the next start.
     */
    public void requestReload(java.nio.file.Path ready) {
        java.util.function.Consumer<java.nio.file.Path> action = reloadAction;
        if (action == null) {
            org.slf4j.LoggerFactory.getLogger(Hub.class).warn(
                    "full-sync copy ready in {}; it is installed when the server restarts", ready);
            return;
        }
        Thread t = new Thread(() -> action.accept(ready), "rockhub-reload");
        t.start();
    }

    public void onShutdown(Runnable action) {
        this.shutdownAction = action;
    }

    /** SWAPDB: the data of two databases change places; blocked clients and WATCHes follow as in Redis. */
    public void swapDatabases(int a, int b) {
        int[] namespaces = databases.swap(a, b);
        watches.namespacesSwapped(namespaces[0], namespaces[1], keys);
        blocked.namespacesSwapped(namespaces[0], namespaces[1]);
    }

    public ClientPause clientPause() {
        return clientPause;
    }

    /** When keys were last accessed (OBJECT IDLETIME). */
    /** Channels, patterns and their subscribers. */
    public io.rockhub.resp.pubsub.PubSub pubsub() {
        return pubsub;
    }

    private void applyKeyspaceEvents(String flags) {
        try {
            int mask = io.rockhub.core.config.KeyspaceEventFlags.parse(flags);
            keyspaceNotifier.flags(mask);
            storage.keyEvents(mask, keyspaceNotifier);
        } catch (io.rockhub.core.config.ConfigException e) {
            throw new IllegalStateException("stored notify-keyspace-events is invalid", e);
        }
    }

    /** EVAL's script store and Lua VMs. */
    /** TLS for the RESP port and the replica link (see {@code tls-*}). */
    public io.rockhub.resp.tls.Tls tls() {
        return tls;
    }

    /** Where reads that would wait for the disk run, off the event loops. */
    public ReadPool reads() {
        return reads;
    }

    /** Each event loop's shared write batch of this server (see {@link LoopBatch}). */
    private final ThreadLocal<LoopBatch> loopBatches = new ThreadLocal<>();

    /** The batch of the event loop {@code loop}, called on it. */
    LoopBatch loopBatch(io.netty.util.concurrent.EventExecutor loop) {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("a loop's batch is made on that loop");
        }
        LoopBatch b = loopBatches.get();
        if (b == null) {
            b = new LoopBatch(this, loop);
            loopBatches.set(b);
        }
        return b;
    }

    public io.rockhub.resp.scripting.Scripts scripts() {
        return scripts;
    }

    /** Publishes keyspace events. */
    public io.rockhub.resp.pubsub.KeyspaceNotifier keyspaceNotifier() {
        return keyspaceNotifier;
    }

    /** CLIENT TRACKING: tracked reads and their invalidations. */
    public io.rockhub.resp.tracking.Tracking tracking() {
        return tracking;
    }

    /** Clients in MONITOR mode. */
    public io.rockhub.resp.pubsub.Monitors monitors() {
        return monitors;
    }

    public KeyAccess keyAccess() {
        return keyAccess;
    }

    public LatencyMonitor latency() {
        return latency;
    }

    public void requestShutdown() {
        Thread t = new Thread(shutdownAction, "rockhub-shutdown");
        t.start();
    }

    @Override
    public void close() {
        if (migrations != null) {
            migrations.close();
        }
        if (replication != null) {
            replication.close();
        }
        sweeper.close();
        if (reads != null) {
            reads.close();
        }
        keys.close();
        storage.close();
    }

    private static String versionFromManifest() {
        String v = Hub.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
