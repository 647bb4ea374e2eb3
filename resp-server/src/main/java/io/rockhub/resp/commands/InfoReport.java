package io.rockhub.resp.commands;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.storage.GroupCommitter;
import io.rockhub.core.storage.Storage;
import io.rockhub.resp.server.BackupTrigger;
import io.rockhub.resp.server.Hub;
import io.rockhub.resp.server.ServerStats;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rocksdb.TickerType;

/** The text of INFO, section by section, in Redis's "# Section\r\nfield:value\r\n" format. */
final class InfoReport {
    /** Redis 7.0's sections and order (plus RockHub's own "rocksdb"); "default" leaves out commandstats. */
    private static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "errorstats", "cluster", "keyspace", "rocksdb");
    private static final List<String> ALL = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "commandstats", "errorstats", "latencystats", "cluster", "keyspace", "rocksdb");

    private InfoReport() {
    }

    static String render(Hub hub, List<String> requested) {
        List<String> sections;
        if (requested.isEmpty() || requested.contains("default")) {
            sections = DEFAULT;
        } else if (requested.contains("all") || requested.contains("everything")) {
            sections = ALL;
        } else {
            sections = ALL.stream().filter(requested::contains).toList();
        }
        StringBuilder sb = new StringBuilder();
        for (String s : sections) {
            if (!sb.isEmpty()) {
                sb.append("\r\n");
            }
            switch (s) {
                case "server" -> server(hub, sb);
                case "clients" -> clients(hub, sb);
                case "memory" -> memory(hub, sb);
                case "persistence" -> persistence(hub, sb);
                case "stats" -> stats(hub, sb);
                case "replication" -> replication(hub, sb);
                case "commandstats" -> commandstats(hub, sb);
                case "cpu" -> cpu(sb);
                case "errorstats" -> errorstats(hub, sb);
                case "latencystats" -> latencystats(hub, sb);
                case "cluster" -> sb.append("# Cluster\r\n").append("cluster_enabled:")
                        .append(hub.cluster().enabled() ? 1 : 0).append("\r\n");
                case "keyspace" -> keyspace(hub, sb);
                case "rocksdb" -> rocksdb(hub, sb);
                default -> { }
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, Object value) {
        sb.append(key).append(':').append(value).append("\r\n");
    }

    private static void server(Hub hub, StringBuilder sb) {
        long uptime = (hub.clock().millis() - hub.startMillis()) / 1000;
        sb.append("# Server\r\n");
        line(sb, "redis_version", Hub.REDIS_COMPATIBLE_VERSION);
        line(sb, "redis_git_sha1", "00000000");
        line(sb, "redis_git_dirty", 0);
        line(sb, "redis_build_id", "0");
        line(sb, "redis_mode", "standalone");
        line(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        line(sb, "arch_bits", 64);
        line(sb, "monotonic_clock", "POSIX clock_gettime");
        line(sb, "multiplexing_api", "epoll");
        line(sb, "atomicvar_api", "c11-builtin");
        line(sb, "gcc_version", "0.0.0");
        line(sb, "process_id", ProcessHandle.current().pid());
        line(sb, "process_supervised", "no");
        line(sb, "run_id", hub.runId());
        line(sb, "tcp_port", hub.port());
        line(sb, "server_time_usec", hub.clock().micros());
        line(sb, "uptime_in_seconds", uptime);
        line(sb, "uptime_in_days", uptime / 86400);
        line(sb, "hz", 10);
        line(sb, "configured_hz", 10);
        line(sb, "lru_clock", (hub.clock().millis() / 1000) & ((1 << 24) - 1));
        line(sb, "executable", "rockhub");
        line(sb, "config_file", hub.config().file().map(Object::toString).orElse(""));
        line(sb, "io_threads_active", 0);
        line(sb, "rockhub_version", Hub.VERSION);
        line(sb, "java_version", System.getProperty("java.version"));
        line(sb, "dir", hub.storage().dir());
    }

    private static void clients(Hub hub, StringBuilder sb) {
        sb.append("# Clients\r\n");
        line(sb, "connected_clients", hub.clients().size());
        line(sb, "cluster_connections", 0);
        line(sb, "maxclients", hub.config().get("maxclients"));
        line(sb, "client_recent_max_input_buffer", 0);
        line(sb, "client_recent_max_output_buffer", 0);
        line(sb, "blocked_clients", hub.blocked().blockedClients());
        line(sb, "tracking_clients", hub.clients().all().stream().filter(c -> c.tracking().on()).count());
        line(sb, "clients_in_timeout_table", hub.blocked().blockedClients());
        line(sb, "blocked_client_wakeups", hub.blocked().wakeups());
    }

    private static final java.util.concurrent.atomic.AtomicLong PEAK = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Redis's memory fields, filled with what they mean here: used_memory is the JVM heap in use
     * plus RocksDB's memtables and block cache; rss is the process's resident set; the Lua, script
     * and allocator fields are what RockHub has of them (no scripts yet: zero).
     */
    private static void memory(Hub hub, StringBuilder sb) {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long heap = mem.getHeapMemoryUsage().getUsed();
        Storage st = hub.storage();
        long memtables = st.longPropertyAll("rocksdb.cur-size-all-mem-tables");
        long blockCache = st.blockCacheUsage();
        long used = heap + memtables + blockCache;
        long peak = PEAK.accumulateAndGet(used, Math::max);
        long rss = residentBytes();
        long total = totalSystemMemory();
        sb.append("# Memory\r\n");
        line(sb, "used_memory", used);
        line(sb, "used_memory_human", human(used));
        line(sb, "used_memory_rss", rss);
        line(sb, "used_memory_rss_human", human(rss));
        line(sb, "used_memory_peak", peak);
        line(sb, "used_memory_peak_human", human(peak));
        line(sb, "used_memory_peak_perc", percent(used, peak));
        line(sb, "used_memory_overhead", heap);
        line(sb, "used_memory_startup", 0);
        line(sb, "used_memory_dataset", memtables + blockCache);
        line(sb, "used_memory_dataset_perc", percent(memtables + blockCache, used));
        line(sb, "allocator_allocated", used);
        line(sb, "allocator_active", used);
        line(sb, "allocator_resident", rss);
        line(sb, "total_system_memory", total);
        line(sb, "total_system_memory_human", human(total));
        line(sb, "used_memory_lua", 0);
        line(sb, "used_memory_vm_eval", 0);
        line(sb, "used_memory_lua_human", "0B");
        line(sb, "used_memory_scripts_eval", 0);
        line(sb, "number_of_cached_scripts", 0);
        line(sb, "number_of_functions", 0);
        line(sb, "number_of_libraries", 0);
        line(sb, "used_memory_vm_functions", 0);
        line(sb, "used_memory_vm_total", 0);
        line(sb, "used_memory_vm_total_human", "0B");
        line(sb, "used_memory_functions", 0);
        line(sb, "used_memory_scripts", 0);
        line(sb, "used_memory_scripts_human", "0B");
        line(sb, "maxmemory", 0);
        line(sb, "maxmemory_human", "0B");
        line(sb, "maxmemory_policy", "noeviction");
        line(sb, "allocator_frag_ratio", "1.00");
        line(sb, "allocator_frag_bytes", 0);
        line(sb, "allocator_rss_ratio", "1.00");
        line(sb, "allocator_rss_bytes", 0);
        line(sb, "rss_overhead_ratio", "1.00");
        line(sb, "rss_overhead_bytes", 0);
        line(sb, "mem_fragmentation_ratio", used == 0 ? "0.00" : String.format(java.util.Locale.ROOT, "%.2f", (double) rss / used));
        line(sb, "mem_fragmentation_bytes", rss - used);
        line(sb, "mem_not_counted_for_evict", 0);
        line(sb, "mem_replication_backlog", 0);
        line(sb, "mem_total_replication_buffers", 0);
        line(sb, "mem_clients_slaves", 0);
        line(sb, "mem_clients_normal", 0);
        line(sb, "mem_cluster_links", 0);
        line(sb, "mem_aof_buffer", 0);
        line(sb, "mem_allocator", "jvm");
        line(sb, "active_defrag_running", 0);
        line(sb, "lazyfree_pending_objects", 0);
        line(sb, "lazyfreed_objects", 0);
        line(sb, "used_memory_heap", heap);
        line(sb, "used_memory_memtables", memtables);
        line(sb, "used_memory_block_cache", blockCache);
    }

    private static String percent(long part, long whole) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
    }

    /** The resident set from /proc/self/statm (pages of 4 KB); 0 where there is no /proc. */
    private static long residentBytes() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(f[1]) * 4096;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long totalSystemMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    private static void persistence(Hub hub, StringBuilder sb) {
        GroupCommitter c = hub.storage().committer();
        long syncs = c.flushCount();
        sb.append("# Persistence\r\n");
        line(sb, "loading", 0);
        line(sb, "durability", c.syncMode() ? "sync" : "relaxed");
        line(sb, "wal_sequence", hub.storage().latestSequence());
        line(sb, "wal_durable_sequence", c.durableSequence());
        line(sb, "wal_syncs", syncs);
        line(sb, "wal_fsyncs", c.fsyncCount());
        line(sb, "wal_sync_avg_usec", syncs == 0 ? 0 : c.syncNanosTotal() / syncs / 1000);
        line(sb, "wal_sync_last_usec", c.lastSyncNanos() / 1000);
        line(sb, "wal_sync_avg_group", syncs == 0 ? "0.00" : String.format("%.2f", (double) c.releasedWaiters() / syncs));
        // RDB's fields, as monitoring reads them, describe RockHub's backups (BGSAVE and scheduled).
        BackupTrigger b = hub.backups();
        line(sb, "async_loading", 0);
        line(sb, "current_cow_peak", 0);
        line(sb, "current_cow_size", 0);
        line(sb, "current_cow_size_age", 0);
        line(sb, "current_fork_perc", "0.00");
        line(sb, "current_save_keys_processed", 0);
        line(sb, "current_save_keys_total", 0);
        line(sb, "rdb_changes_since_last_save", 0);
        line(sb, "rdb_bgsave_in_progress", b != null && b.inProgress() ? 1 : 0);
        line(sb, "rdb_last_save_time", b != null && b.lastSuccessSeconds() >= 0 ? b.lastSuccessSeconds() : hub.startMillis() / 1000);
        line(sb, "rdb_last_bgsave_status", b != null && b.lastFailed() ? "err" : "ok");
        line(sb, "rdb_last_bgsave_time_sec", -1);
        line(sb, "rdb_current_bgsave_time_sec", -1);
        line(sb, "rdb_saves", b == null ? 0 : b.completed());
        line(sb, "rdb_last_cow_size", 0);
        line(sb, "rdb_last_load_keys_expired", 0);
        line(sb, "rdb_last_load_keys_loaded", 0);
        // There is no AOF: every write is in RocksDB's WAL (see the wal_ fields above).
        line(sb, "aof_enabled", 0);
        line(sb, "aof_rewrite_in_progress", 0);
        line(sb, "aof_rewrite_scheduled", 0);
        line(sb, "aof_last_rewrite_time_sec", -1);
        line(sb, "aof_current_rewrite_time_sec", -1);
        line(sb, "aof_last_bgrewrite_status", "ok");
        line(sb, "aof_rewrites", 0);
        line(sb, "aof_rewrites_consecutive_failures", 0);
        line(sb, "aof_last_write_status", "ok");
        line(sb, "aof_last_cow_size", 0);
        line(sb, "module_fork_in_progress", 0);
        line(sb, "module_fork_last_cow_size", 0);
    }

    private static void stats(Hub hub, StringBuilder sb) {
        ServerStats s = hub.stats();
        sb.append("# Stats\r\n");
        line(sb, "total_connections_received", s.connectionsReceived.sum());
        line(sb, "total_commands_processed", s.commandsProcessed.sum());
        line(sb, "instantaneous_ops_per_sec", 0);
        line(sb, "total_net_input_bytes", s.netInputBytes.sum());
        line(sb, "total_net_output_bytes", s.netOutputBytes.sum());
        line(sb, "total_net_repl_input_bytes", 0);
        line(sb, "total_net_repl_output_bytes", 0);
        line(sb, "instantaneous_input_kbps", "0.00");
        line(sb, "instantaneous_output_kbps", "0.00");
        line(sb, "instantaneous_input_repl_kbps", "0.00");
        line(sb, "instantaneous_output_repl_kbps", "0.00");
        line(sb, "rejected_connections", s.rejectedConnections.sum());
        line(sb, "sync_full", 0);
        line(sb, "sync_partial_ok", 0);
        line(sb, "sync_partial_err", 0);
        line(sb, "expired_keys", hub.sweeper().expiredKeys());
        line(sb, "expired_stale_perc", "0.00");
        line(sb, "expired_time_cap_reached_count", 0);
        line(sb, "expire_cycle_cpu_milliseconds", 0);
        line(sb, "evicted_keys", 0);
        line(sb, "evicted_clients", 0);
        line(sb, "total_eviction_exceeded_time", 0);
        line(sb, "current_eviction_exceeded_time", 0);
        line(sb, "keyspace_hits", s.keyspaceHits.sum());
        line(sb, "keyspace_misses", s.keyspaceMisses.sum());
        line(sb, "pubsub_channels", hub.pubsub().channelCount());
        line(sb, "pubsub_patterns", hub.pubsub().patternCount());
        line(sb, "pubsubshard_channels", hub.pubsub().shardChannelCount());
        line(sb, "latest_fork_usec", 0);
        line(sb, "total_forks", 0);
        line(sb, "migrate_cached_sockets", 0);
        line(sb, "slave_expires_tracked_keys", 0);
        line(sb, "active_defrag_hits", 0);
        line(sb, "active_defrag_misses", 0);
        line(sb, "active_defrag_key_hits", 0);
        line(sb, "active_defrag_key_misses", 0);
        line(sb, "total_active_defrag_time", 0);
        line(sb, "current_active_defrag_time", 0);
        line(sb, "tracking_total_keys", hub.tracking().trackedKeys());
        line(sb, "tracking_total_items", hub.tracking().trackedItems());
        line(sb, "tracking_total_prefixes", hub.tracking().trackedPrefixes());
        line(sb, "unexpected_error_replies", 0);
        line(sb, "total_error_replies", s.errorReplies.sum());
        line(sb, "dump_payload_sanitizations", 0);
        line(sb, "total_reads_processed", s.commandsProcessed.sum());
        line(sb, "total_writes_processed", s.commandsProcessed.sum());
        line(sb, "io_threaded_reads_processed", 0);
        line(sb, "io_threaded_writes_processed", 0);
        line(sb, "reply_buffer_shrinks", 0);
        line(sb, "reply_buffer_expands", 0);
        line(sb, "reclaimed_versions", hub.sweeper().reclaimedVersions());
        line(sb, "protocol_errors", s.protocolErrors.sum());
    }

    /** CPU seconds of the process, system and user, as Linux's /proc/self/stat counts them. */
    private static void cpu(StringBuilder sb) {
        double sys = 0;
        double user = 0;
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            user = Long.parseLong(f[11]) / 100.0; // utime and stime, in clock ticks of 1/100 s
            sys = Long.parseLong(f[12]) / 100.0;
        } catch (java.io.IOException | RuntimeException notLinux) {
            long total = ManagementFactory.getRuntimeMXBean().getUptime(); // no split available
            user = total / 1000.0;
        }
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double threadSys = Math.max(0, threads.getCurrentThreadCpuTime() - threads.getCurrentThreadUserTime()) / 1e9;
        double threadUser = Math.max(0, threads.getCurrentThreadUserTime()) / 1e9;
        sb.append("# CPU\r\n");
        line(sb, "used_cpu_sys", String.format(java.util.Locale.ROOT, "%.6f", sys));
        line(sb, "used_cpu_user", String.format(java.util.Locale.ROOT, "%.6f", user));
        line(sb, "used_cpu_sys_children", "0.000000");
        line(sb, "used_cpu_user_children", "0.000000");
        line(sb, "used_cpu_sys_main_thread", String.format(java.util.Locale.ROOT, "%.6f", threadSys));
        line(sb, "used_cpu_user_main_thread", String.format(java.util.Locale.ROOT, "%.6f", threadUser));
    }

    /** Per-command latency percentiles, as Redis 7.0 prints them (p50, p99, p99.9 in microseconds). */
    private static void latencystats(Hub hub, StringBuilder sb) {
        sb.append("# Latencystats\r\n");
        new TreeMap<>(hub.stats().perCommand()).forEach((name, c) -> {
            if (c.calls() > 0) {
                line(sb, "latency_percentiles_usec_" + name, String.format(java.util.Locale.ROOT,
                        "p50=%.3f,p99=%.3f,p99.9=%.3f", c.percentile(50), c.percentile(99), c.percentile(99.9)));
            }
        });
    }

    private static void errorstats(Hub hub, StringBuilder sb) {
        sb.append("# Errorstats\r\n");
        hub.stats().errorCodes().forEach((code, n) -> line(sb, "errorstat_" + code, "count=" + n));
    }

    /**
     * Redis's fields, with offsets being RocksDB sequence numbers; each replica's line adds
     * {@code lag_seq}, how many sequence numbers it is behind, beside {@code lag} in seconds.
     */
    private static void replication(Hub hub, StringBuilder sb) {
        io.rockhub.resp.replication.Replication r = hub.replication();
        io.rockhub.core.replication.ReplicationState st = r.state();
        long latest = hub.storage().latestSequence();
        sb.append("# Replication\r\n");
        io.rockhub.resp.replication.ReplicaLink link = r.link();
        if (link != null) {
            line(sb, "role", "slave");
            line(sb, "master_host", link.host());
            line(sb, "master_port", link.port());
            line(sb, "master_link_status", link.status() == io.rockhub.resp.replication.ReplicaLink.Status.UP ? "up" : "down");
            line(sb, "master_last_io_seconds_ago", link.lastIoSecondsAgo());
            long[] progress = link.fullSyncProgress();
            line(sb, "master_sync_in_progress", progress == null ? 0 : 1);
            if (progress != null) {
                line(sb, "master_sync_total_bytes", progress[1]);
                line(sb, "master_sync_read_bytes", progress[0]);
                line(sb, "master_sync_left_bytes", progress[1] - progress[0]);
            }
            line(sb, "slave_read_repl_offset", latest);
            line(sb, "slave_repl_offset", latest);
            if (link.status() != io.rockhub.resp.replication.ReplicaLink.Status.UP) {
                line(sb, "master_link_down_since_seconds", link.downSeconds());
            }
            line(sb, "rockhub_master_repl_offset", link.primaryLatest());
            line(sb, "rockhub_lag_seq", link.primaryLatest() < 0 ? -1 : Math.max(0, link.primaryLatest() - latest));
            line(sb, "slave_priority", 100);
            line(sb, "slave_read_only", hub.config().getBool("replica-read-only") ? 1 : 0);
            line(sb, "replica_announced", 1);
            line(sb, "connected_slaves", 0);
        } else {
            line(sb, "role", "master");
            java.util.List<io.rockhub.resp.replication.Replication.PeerView> peers = r.peers();
            line(sb, "connected_slaves", peers.size());
            int i = 0;
            for (io.rockhub.resp.replication.Replication.PeerView p : peers) {
                line(sb, "slave" + i++, "ip=" + p.ip() + ",port=" + p.port() + ",state=online,offset=" + p.ackedSeq()
                        + ",lag=" + p.lagSeconds() + ",lag_seq=" + p.lagSeq());
            }
        }
        line(sb, "master_failover_state", "no-failover");
        line(sb, "master_replid", st.replid());
        line(sb, "master_replid2", st.previousReplid());
        line(sb, "master_repl_offset", latest);
        line(sb, "second_repl_offset", st.previousEnd() < 0 ? -1 : st.previousEnd() + 1);
        line(sb, "repl_backlog_active", 0);
        line(sb, "repl_backlog_size", 0);
        line(sb, "repl_backlog_first_byte_offset", 0);
        line(sb, "repl_backlog_histlen", 0);
    }

    private static void commandstats(Hub hub, StringBuilder sb) {
        sb.append("# Commandstats\r\n");
        Map<String, ServerStats.CommandCounter> sorted = new TreeMap<>(hub.stats().perCommand());
        for (Map.Entry<String, ServerStats.CommandCounter> e : sorted.entrySet()) {
            ServerStats.CommandCounter c = e.getValue();
            long calls = c.calls();
            sb.append("cmdstat_").append(e.getKey()).append(":calls=").append(calls)
              .append(",usec=").append(c.micros())
              .append(",usec_per_call=").append(String.format("%.2f", calls == 0 ? 0.0 : (double) c.micros() / calls))
              .append(",rejected_calls=").append(c.rejected()).append(",failed_calls=").append(c.failed()).append("\r\n");
        }
    }

    private static void keyspace(Hub hub, StringBuilder sb) {
        sb.append("# Keyspace\r\n");
        for (int db = 0; db < hub.databaseCount(); db++) {
            int namespace = hub.databases().namespace(db);
            long keys = hub.keys().size(namespace);
            if (keys > 0) {
                line(sb, "db" + db, "keys=" + keys + ",expires=" + hub.keys().expiresCount(namespace) + ",avg_ttl=0");
            }
        }
    }

    private static void rocksdb(Hub hub, StringBuilder sb) {
        Storage st = hub.storage();
        long hits = st.ticker(TickerType.BLOCK_CACHE_HIT);
        long misses = st.ticker(TickerType.BLOCK_CACHE_MISS);
        sb.append("# RocksDB\r\n");
        line(sb, "block_cache_usage", st.blockCacheUsage());
        line(sb, "block_cache_capacity", hub.config().megabytes("rocksdb.block_cache_size"));
        line(sb, "block_cache_hits", hits);
        line(sb, "block_cache_misses", misses);
        line(sb, "block_cache_hit_rate", hits + misses == 0 ? "0.0000" : String.format("%.4f", (double) hits / (hits + misses)));
        // Which blocks a read from disk was for: with partitioned index and filters a point read
        // needs a filter partition, an index partition and a data block.
        line(sb, "block_cache_data_misses", st.ticker(TickerType.BLOCK_CACHE_DATA_MISS));
        line(sb, "block_cache_index_misses", st.ticker(TickerType.BLOCK_CACHE_INDEX_MISS));
        line(sb, "block_cache_filter_misses", st.ticker(TickerType.BLOCK_CACHE_FILTER_MISS));
        line(sb, "reads_off_loop", hub.reads().submitted());
        line(sb, "scripts_on_loop", hub.scripts().ranOnLoop());
        line(sb, "scripts_on_loop_by_key", hub.scripts().ranByKey());
        line(sb, "scripts_started_over", hub.scripts().startedOver());
        line(sb, "cluster_sync_replicas", hub.syncReplicas().waitedFor());
        line(sb, "cluster_replies_held_for_replicas", hub.syncReplicas().held());
        line(sb, "memtable_size", st.longPropertyAll("rocksdb.cur-size-all-mem-tables"));
        line(sb, "estimate_pending_compaction_bytes", st.longPropertyAll("rocksdb.estimate-pending-compaction-bytes"));
        line(sb, "num_running_compactions", st.longProperty(ColumnFamily.DEFAULT, "rocksdb.num-running-compactions"));
        line(sb, "num_running_flushes", st.longProperty(ColumnFamily.DEFAULT, "rocksdb.num-running-flushes"));
        line(sb, "sst_total_bytes", st.sstBytes());
        line(sb, "compacting", st.compacting() ? 1 : 0);
        for (Storage.LevelSize level : st.levelSizes()) {
            line(sb, "level" + level.level(), "files=" + level.files() + ",bytes=" + level.bytes());
        }
        line(sb, "estimate_num_keys_metadata", st.longProperty(ColumnFamily.METADATA, "rocksdb.estimate-num-keys"));
    }

    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.2fK", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.2fM", bytes / 1024.0 / 1024);
        }
        return String.format("%.2fG", bytes / 1024.0 / 1024 / 1024);
    }
}
