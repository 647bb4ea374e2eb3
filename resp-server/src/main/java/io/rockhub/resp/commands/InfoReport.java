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
    private static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "keyspace", "rocksdb");
    private static final List<String> ALL = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "commandstats", "keyspace", "rocksdb");

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
        line(sb, "rockhub_version", Hub.VERSION);
        line(sb, "redis_mode", "standalone");
        line(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        line(sb, "arch_bits", 64);
        line(sb, "java_version", System.getProperty("java.version"));
        line(sb, "process_id", ProcessHandle.current().pid());
        line(sb, "run_id", hub.runId());
        line(sb, "tcp_port", hub.port());
        line(sb, "server_time_usec", hub.clock().micros());
        line(sb, "uptime_in_seconds", uptime);
        line(sb, "uptime_in_days", uptime / 86400);
        line(sb, "executable", "rockhub");
        line(sb, "config_file", hub.config().file().map(Object::toString).orElse(""));
        line(sb, "dir", hub.storage().dir());
    }

    private static void clients(Hub hub, StringBuilder sb) {
        sb.append("# Clients\r\n");
        line(sb, "connected_clients", hub.clients().size());
        line(sb, "maxclients", hub.config().get("maxclients"));
        line(sb, "blocked_clients", hub.blocked().blockedClients());
        line(sb, "blocked_client_wakeups", hub.blocked().wakeups());
    }

    private static void memory(Hub hub, StringBuilder sb) {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long heap = mem.getHeapMemoryUsage().getUsed();
        Storage st = hub.storage();
        long memtables = st.longPropertyAll("rocksdb.cur-size-all-mem-tables");
        long blockCache = st.blockCacheUsage();
        long used = heap + memtables + blockCache;
        sb.append("# Memory\r\n");
        line(sb, "used_memory", used);
        line(sb, "used_memory_human", human(used));
        line(sb, "used_memory_heap", heap);
        line(sb, "used_memory_memtables", memtables);
        line(sb, "used_memory_block_cache", blockCache);
        line(sb, "maxmemory", 0);
        line(sb, "maxmemory_policy", "noeviction");
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
        line(sb, "rdb_changes_since_last_save", 0);
        line(sb, "rdb_bgsave_in_progress", b != null && b.inProgress() ? 1 : 0);
        line(sb, "rdb_last_save_time", b != null && b.lastSuccessSeconds() >= 0 ? b.lastSuccessSeconds() : hub.startMillis() / 1000);
        line(sb, "rdb_last_bgsave_status", b != null && b.lastFailed() ? "err" : "ok");
        line(sb, "rdb_saves", b == null ? 0 : b.completed());
        line(sb, "aof_enabled", 0);
    }

    private static void stats(Hub hub, StringBuilder sb) {
        ServerStats s = hub.stats();
        sb.append("# Stats\r\n");
        line(sb, "total_connections_received", s.connectionsReceived.sum());
        line(sb, "total_commands_processed", s.commandsProcessed.sum());
        line(sb, "total_net_input_bytes", s.netInputBytes.sum());
        line(sb, "total_net_output_bytes", s.netOutputBytes.sum());
        line(sb, "rejected_connections", s.rejectedConnections.sum());
        line(sb, "expired_keys", hub.sweeper().expiredKeys());
        line(sb, "reclaimed_versions", hub.sweeper().reclaimedVersions());
        line(sb, "keyspace_hits", s.keyspaceHits.sum());
        line(sb, "keyspace_misses", s.keyspaceMisses.sum());
        line(sb, "total_error_replies", s.perCommand().values().stream().mapToLong(ServerStats.CommandCounter::failed).sum());
        line(sb, "protocol_errors", s.protocolErrors.sum());
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
              .append(",rejected_calls=0,failed_calls=").append(c.failed()).append("\r\n");
        }
    }

    private static void keyspace(Hub hub, StringBuilder sb) {
        sb.append("# Keyspace\r\n");
        long keys = hub.keys().size();
        if (keys > 0) {
            line(sb, "db0", "keys=" + keys + ",expires=" + hub.keys().expiresCount() + ",avg_ttl=0");
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
        line(sb, "memtable_size", st.longPropertyAll("rocksdb.cur-size-all-mem-tables"));
        line(sb, "estimate_pending_compaction_bytes", st.longPropertyAll("rocksdb.estimate-pending-compaction-bytes"));
        line(sb, "num_running_compactions", st.longProperty(ColumnFamily.DEFAULT, "rocksdb.num-running-compactions"));
        line(sb, "num_running_flushes", st.longProperty(ColumnFamily.DEFAULT, "rocksdb.num-running-flushes"));
        line(sb, "sst_total_bytes", st.sstBytes());
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
