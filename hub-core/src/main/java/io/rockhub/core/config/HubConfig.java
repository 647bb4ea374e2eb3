package io.rockhub.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Every RockHub setting, validated in one place.
 *
 * <p>Key names follow kvrocks.conf where the meaning is the same. Values come from the defaults,
 * then a config file ({@code key value} per line, {@code #} comments), then command-line
 * overrides; an unknown key or a bad value fails with a message naming the key. After start-up
 * only settings marked mutable change, through {@link #set}, and listeners hear about it.
 * Thread-safe.
 */
public final class HubConfig {
    private static final long MB = 1024L * 1024;

    public static final List<Setting> SETTINGS = List.of(
        Setting.string("bind", "127.0.0.1", false, "addresses to listen on, separated by spaces"),
        Setting.integer("port", 6380, 0, 65535, false, "TCP port of the RESP server (0 picks a free port)"),
        Setting.string("dir", "./data", false, "data directory holding the RocksDB files"),
        Setting.string("requirepass", "", true, "password clients must AUTH with; empty disables AUTH"),
        Setting.integer("workers", Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 1, 256, false,
            "event-loop threads that read, execute and reply (default: half the cores)"),
        Setting.integer("read-threads", 0, 0, 256, false,
            "threads that serve GETs needing the disk, so that an event loop never waits for one (0: the loop reads)"),
        Setting.integer("maxclients", 10000, 1, 1_000_000, true, "maximum simultaneous client connections"),
        Setting.keyspaceEvents("notify-keyspace-events", "", true,
            "keyspace events published on __keyspace@<db>__ and __keyevent@<db>__ channels (Redis's flags: "
                + "K, E, g, $, l, s, h, z, x, e, t, m, d, n, A); sent once the write is durable"),
        Setting.bufferLimits("client-output-buffer-limit", ClientBufferLimits.DEFAULT, true,
            "per client class (normal, replica, pubsub): hard limit, soft limit, soft seconds of unsent output; "
                + "a client over them is disconnected (RockHub enforces the pubsub class)"),
        Setting.integer("timeout", 0, 0, Integer.MAX_VALUE, true, "close a client idle this many seconds (0 = never)"),
        Setting.bytes("proto-max-bulk-len", "512mb", 1024 * 1024, Long.MAX_VALUE / 2, true,
            "largest bulk string a client may send"),
        Setting.bool("cluster-enabled", false, false,
            "cluster mode: keys hash to 16384 slots, a node serves the slots its topology gives it (CLUSTERX SETNODES) "
                + "and redirects clients for the others (-MOVED), database 0 only"),
        Setting.string("cluster-config-file", "", false,
            "where a cluster node keeps its id and last topology (default: <dir>.nodes.conf beside the data directory)"),
        Setting.bool("cluster-require-full-coverage", true, true,
            "whether keys are served only while every slot has a primary, as Redis's default"),
        Setting.integer("migrate-speed", 0, 0, 1 << 20, true,
            "most MB/s a slot migration from this node sends (copy and WAL tail, not the cutover); 0: uncapped"),
        Setting.integer("databases", 16, 1, io.rockhub.core.encoding.StoredKey.MAX_DATABASES, false, "number of logical databases (SELECT 0..databases-1)"),
        // Redis tools (redis-benchmark, some clients) read these two; RocksDB's WAL replaces both.
        Setting.integer("slowlog-log-slower-than", 10_000, -1, Long.MAX_VALUE, true,
            "commands slower than this many microseconds go to SLOWLOG (-1: off, 0: every command)"),
        Setting.integer("slowlog-max-len", 128, 0, Long.MAX_VALUE, true, "entries SLOWLOG keeps"),
        Setting.string("save", "", true, "Redis compatibility: RDB snapshots do not exist, the WAL is always on"),
        Setting.choice("appendonly", "no", true, "Redis compatibility: no AOF, the RocksDB WAL is always on",
            "no", "yes"),
        Setting.choice("loglevel", "info", true, "log verbosity", "debug", "verbose", "info", "notice", "warning"),
        Setting.integer("expire-sweep-interval-ms", 100, 1, 60_000, true,
            "how often the sweeper removes expired keys and dead versions"),
        Setting.integer("expire-sweep-batch", 1000, 1, 1_000_000, true, "keys removed per sweeper pass at most"),
        Setting.bytes("expire-compact-threshold", "64mb", 0, Long.MAX_VALUE / 2, true,
            "bytes swept after which the sweeper compacts the swept range so disk space returns"),
        Setting.bool("rocksdb.write_options.sync", true, true,
            "yes: acknowledge writes only after the WAL is fsynced (group commit); no: after the WAL write"),
        Setting.integer("rocksdb.group_commit_max_delay_us", 1000, 0, 100_000, true,
            "longest a WAL sync waits to gather more writers into one fsync"),
        Setting.integer("lua-inline-budget-us", 1000, 0, 1_000_000, true,
            "how long a script may run on the event loop that read it before it starts over on the script"
            + " thread (0: every script runs there)"),
        Setting.integer("lua-heap-limit-mb", 1024, 1, 1 << 20, true,
            "the most memory one Lua interpreter's heap may hold; a script passing it is stopped with an error"),
        Setting.integer("metadata-cache-size", 256, 0, 1 << 20, false,
            "heap cache of hot keys' metadata and string values, in MB (0 = off); RocksDB stays the truth"),
        Setting.integer("zset-index-cache-size", 64, 0, 1 << 20, false,
            "heap for the score indexes of large sorted sets read more than written, in MB (0 = off)"),
        Setting.integer("rocksdb.block_cache_size", 512, 1, 1 << 20, false, "shared block cache, in MB"),
        Setting.integer("rocksdb.row_cache_size", 0, 0, 1 << 20, false, "row cache for hot keys, in MB (0 = off)"),
        Setting.integer("rocksdb.write_buffer_size", 64, 1, 4096, false, "memtable size per column family, in MB"),
        Setting.integer("rocksdb.metadata_write_buffer_size", 0, 0, 4096, false,
            "memtable size of the metadata column family, in MB (0: rocksdb.write_buffer_size)"),
        Setting.integer("rocksdb.max_write_buffer_number", 4, 2, 64, false, "memtables per column family"),
        Setting.integer("rocksdb.max_background_jobs", 4, 1, 64, false, "flush and compaction threads"),
        Setting.integer("rocksdb.max_open_files", 8096, -1, 1_000_000, false, "open SST files (-1 = unlimited)"),
        Setting.integer("rocksdb.target_file_size_base", 128, 1, 4096, false, "target SST size at L1, in MB"),
        Setting.integer("rocksdb.block_size", 16384, 1024, 1 << 20, false, "data block size, in bytes"),
        Setting.integer("rocksdb.bloom_bits_per_key", 10, 0, 64, false, "bloom filter bits per key (0 = off)"),
        Setting.bool("rocksdb.partition_filters", true, false, "partitioned index and filter blocks"),
        Setting.bool("rocksdb.cache_index_and_filter_blocks", true, false,
            "keep index and filter blocks in the block cache"),
        Setting.compressionList("rocksdb.compression_per_level", "no:lz4:lz4:lz4:lz4:lz4:lz4", false,
            "compression of L0, then of the levels from the one L0 compacts into, separated by ':'"),
        Setting.compressionList("rocksdb.bottommost_compression", "zstd", false,
            "compression of the last level, where most of the data lives"),
        Setting.bool("rocksdb.use_direct_reads", false, false,
            "read SST files with O_DIRECT: the block cache is the only cache of data read from disk"),
        Setting.bool("rocksdb.enable_blob_files", false, false, "store large values in blob files"),
        Setting.integer("rocksdb.min_blob_size", 4096, 0, Integer.MAX_VALUE, false,
            "values at least this large go to blob files"),
        Setting.string("routes-config", "", false,
            "properties file of the Camel routes (rockhub.export.* for streams to Kafka); empty: the server alone"),
        Setting.integer("metrics-port", 0, 0, 65535, false,
            "port of the Prometheus endpoint http://metrics-bind:metrics-port/metrics (0 = off)"),
        Setting.string("metrics-bind", "127.0.0.1", false, "address of the Prometheus endpoint"),
        Setting.bool("metrics-tls", false, false,
            "serve the Prometheus endpoint over HTTPS with tls-cert-file (clients verified as tls-auth-clients says)"),
        Setting.string("backup-dir", "", false,
            "local directory used as the backup object store when no backup-s3-bucket is set (empty: <dir>.backups)"),
        Setting.string("backup-s3-bucket", "", false, "S3 bucket for backups (empty: use backup-dir)"),
        Setting.string("backup-s3-endpoint", "", false, "S3 endpoint URL (empty: AWS)"),
        Setting.string("backup-s3-region", "us-east-1", false, "S3 region"),
        Setting.string("backup-s3-prefix", "rockhub/", false, "key prefix of every backup object"),
        Setting.string("backup-s3-access-key", "", false, "S3 access key (empty: the AWS SDK's default chain)"),
        Setting.string("backup-s3-secret-key", "", false, "S3 secret key"),
        Setting.bool("backup-s3-path-style", true, false, "path-style S3 addressing (needed by most S3-compatible servers)"),
        Setting.integer("backup-interval-seconds", 0, 0, Integer.MAX_VALUE, false,
            "a checkpoint backup every this many seconds (0 = only on BGSAVE)"),
        Setting.integer("backup-wal-ship-seconds", 0, 0, 86_400, false,
            "ship the WAL to the backup store every this many seconds, for point-in-time restore (0 = off)"),
        Setting.bool("backup-verify", false, true,
            "verify each scheduled backup (restore into a scratch directory, check keys and digest)"),
        Setting.integer("backup-keep-last", 7, 1, 100_000, true, "backups kept by count"),
        Setting.integer("backup-keep-days", 0, 0, 100_000, true, "backups younger than this are kept too (0 = off)"),
        Setting.string("replicaof", "", false,
            "'host port' of the primary to replicate (empty: this server is a primary); REPLICAOF changes it"),
        Setting.string("masterauth", "", true, "password a replica gives its primary"),
        Setting.bool("replica-read-only", true, true, "refuse writes from clients on a replica"),
        Setting.integer("repl-timeout", 60, 1, 3600, true,
            "seconds without a word from the other side after which a replication link is dropped"),
        Setting.integer("repl-ping-replica-period", 1, 1, 3600, true,
            "seconds between heartbeats a primary sends an idle replica"),
        Setting.integer("max-replication-mb", 0, 0, 1 << 20, true,
            "the most MB/s a replica's full sync copies (0 = no limit), to spare the primary's disk and network"),
        Setting.integer("repl-checkpoint-reuse-seconds", 300, 0, 86_400, true,
            "a full sync reuses a checkpoint made this recently instead of making a new one"),
        Setting.integer("rocksdb.wal_ttl_seconds", 0, 0, Integer.MAX_VALUE, false,
            "keep archived WAL files this long for replicas and backups (0 = delete at once)"),
        Setting.integer("rocksdb.wal_size_limit_mb", 0, 0, Integer.MAX_VALUE, false,
            "keep at most this many MB of archived WAL (0 = no size limit)")
    );

    private static final Map<String, Setting> BY_NAME = new LinkedHashMap<>();
    /** Redis's old names (slave-*, *-ziplist-*) and the setting each stands for. */
    private static final Map<String, String> ALIASES;
    private static final List<Setting> ALL;

    static {
        RedisSettings.Loaded redis = RedisSettings.load();
        List<Setting> all = new ArrayList<>(SETTINGS);
        for (Setting s : redis.settings()) {
            if (SETTINGS.stream().noneMatch(own -> own.name().equals(s.name()))) {
                all.add(s);
            }
        }
        ALL = List.copyOf(all);
        ALIASES = redis.aliases();
        for (Setting s : ALL) {
            BY_NAME.put(s.name(), s);
        }
        ALIASES.forEach((alias, target) -> BY_NAME.put(alias, BY_NAME.get(target)));
    }

    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();
    private final List<String> userLines = new java.util.ArrayList<>();
    private final Optional<Path> file;

    private HubConfig(Optional<Path> file) {
        this.file = file;
        for (Setting s : ALL) {
            try {
                values.put(s.name(), s.canonical(s.defaultValue()));
            } catch (ConfigException e) {
                throw new IllegalStateException("bad default for " + s.name(), e);
            }
        }
    }

    public static HubConfig defaults() {
        return new HubConfig(Optional.empty());
    }

    /**
     * Builds the configuration from an optional file and command-line overrides (which win).
     *
     * @throws ConfigException naming the first unknown key or bad value
     */
    public static HubConfig load(Path file, Map<String, String> overrides) throws ConfigException {
        HubConfig config = new HubConfig(Optional.ofNullable(file));
        if (file != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException("config", "cannot read config file " + file + ": " + e.getMessage());
            }
            int lineNo = 0;
            for (String line : lines) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] kv = t.split("\\s+", 2);
                if (kv[0].equalsIgnoreCase("user")) {
                    // An ACL user, as redis.conf declares one; kept whole ('#' starts a password hash here).
                    config.userLines.add(kv.length > 1 ? kv[1] : "");
                    continue;
                }
                String value = kv.length > 1 ? unquote(stripComment(kv[1])) : "";
                try {
                    config.apply(kv[0], value);
                } catch (ConfigException e) {
                    throw new ConfigException(e.key(), file + " line " + lineNo + ": '" + e.key() + "': " + e.getMessage());
                }
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            try {
                config.apply(e.getKey(), e.getValue());
            } catch (ConfigException ex) {
                throw new ConfigException(ex.key(), "--" + ex.key() + ": " + ex.getMessage());
            }
        }
        return config;
    }

    private static String stripComment(String v) {
        int hash = v.indexOf(" #");
        return hash >= 0 ? v.substring(0, hash) : v;
    }

    private static String unquote(String v) {
        String t = v.strip();
        if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    private void apply(String key, String value) throws ConfigException {
        Setting s = BY_NAME.get(key.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new ConfigException(key, "unknown configuration key");
        }
        values.put(s.name(), canonical(s, value));
    }

    /** {@code value} in canonical form; a buffer-limit change is merged into the current limits, as Redis. */
    private String canonical(Setting s, String value) throws ConfigException {
        if (s.kind() == Setting.Kind.BUFFER_LIMITS && values.containsKey(s.name())) {
            return ClientBufferLimits.parse(ClientBufferLimits.parse(null, values.get(s.name())), value).text();
        }
        return s.canonical(value);
    }

    /** The parsed {@code client-output-buffer-limit}. */
    public ClientBufferLimits clientBufferLimits() {
        try {
            return ClientBufferLimits.parse(null, get("client-output-buffer-limit"));
        } catch (ConfigException e) {
            throw new IllegalStateException("stored client-output-buffer-limit is invalid", e);
        }
    }

    /**
     * Records a setting that a command other than CONFIG SET changes (REPLICAOF changes
     * {@code replicaof}), so CONFIG GET, CONFIG REWRITE and a reopened server see it.
     */
    public void record(String key, String value) {
        try {
            apply(key, value);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Changes a setting at run time, as CONFIG SET does. */
    public void set(String key, String value) throws ConfigException {
        Setting s = BY_NAME.get(key.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new ConfigException(key, "unknown configuration key");
        }
        if (!s.mutable()) {
            throw new ConfigException(s.name(), "can't set immutable config");
        }
        String canonical = canonical(s, value);
        values.put(s.name(), canonical);
        for (BiConsumer<String, String> l : listeners) {
            l.accept(s.name(), canonical);
        }
    }

    /** Validates a run-time change without applying it, so CONFIG SET of several keys is all or nothing. */
    public void check(String key, String value) throws ConfigException {
        Setting s = BY_NAME.get(key.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new ConfigException(key, "unknown configuration key");
        }
        if (!s.mutable()) {
            throw new ConfigException(s.name(), "can't set immutable config");
        }
        canonical(s, value);
    }

    /** The setting's own name for {@code key} (an alias names its target), or null if it names none. */
    public static String canonicalName(String key) {
        Setting s = BY_NAME.get(key.toLowerCase(Locale.ROOT));
        return s == null ? null : s.name();
    }

    /** Whether {@code key} names a setting at all. */
    public static boolean isKnown(String key) {
        return BY_NAME.containsKey(key.toLowerCase(Locale.ROOT));
    }

    /** Calls {@code listener(name, value)} after every successful {@link #set}. */
    public void onChange(BiConsumer<String, String> listener) {
        listeners.add(listener);
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no such setting: " + key);
        }
        return v;
    }

    public long getLong(String key) {
        return Long.parseLong(get(key));
    }

    public int getInt(String key) {
        return Math.toIntExact(getLong(key));
    }

    public boolean getBool(String key) {
        return get(key).equals("yes");
    }

    public long megabytes(String key) {
        return getLong(key) * MB;
    }

    public Optional<Path> file() {
        return file;
    }

    /** Settings whose names match a Redis glob, in definition order, as CONFIG GET lists them. */
    public List<Map.Entry<String, String>> matching(String glob) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Setting s : ALL) {
            if (io.rockhub.core.util.Glob.matches(glob, s.name())) {
                out.add(Map.entry(s.name(), shown(s, values.get(s.name()))));
            }
        }
        ALIASES.forEach((alias, target) -> {
            if (io.rockhub.core.util.Glob.matches(glob, alias)) {
                out.add(Map.entry(alias, values.get(BY_NAME.get(alias).name())));
            }
        });
        return out;
    }

    /** A value as CONFIG GET shows it: keyspace-event flags as Redis prints them (an 'n' after 'A' is not). */
    private static String shown(Setting s, String value) {
        if (s.kind() != Setting.Kind.KEYSPACE_EVENTS) {
            return value;
        }
        try {
            return KeyspaceEventFlags.text(KeyspaceEventFlags.parse(value));
        } catch (ConfigException e) {
            return value;
        }
    }

    /** The {@code user} lines of the config file: each a user name and its ACL rules. */
    public List<String> userLines() {
        return List.copyOf(userLines);
    }

    /** As {@link #render()}, then a {@code user} line for each of {@code users} (name and rules). */
    public String render(List<String> users) {
        StringBuilder sb = new StringBuilder(render());
        for (String u : users) {
            sb.append("user ").append(u).append('\n');
        }
        return sb.toString();
    }

    /** The whole configuration as a kvrocks-style file, for CONFIG REWRITE. */
    public String render() {
        StringBuilder sb = new StringBuilder("# Written by RockHub CONFIG REWRITE\n");
        for (Setting s : ALL) {
            String v = values.get(s.name());
            if (s.doc().equals(RedisSettings.COMPATIBILITY) && v.equals(s.defaultValue())) {
                continue; // a Redis key nobody set: not worth a line
            }
            sb.append("# ").append(s.doc()).append('\n');
            sb.append(s.name()).append(' ').append(v.isEmpty() || v.contains(" ") ? "\"" + v + "\"" : v).append("\n\n");
        }
        return sb.toString();
    }
}
