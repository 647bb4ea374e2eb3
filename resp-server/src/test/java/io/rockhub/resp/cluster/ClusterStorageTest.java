package io.rockhub.resp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.HashSlot;
import io.rockhub.core.encoding.StoredKey;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksIterator;

/**
 * In cluster mode every stored key, in every family keyed by stored keys, is led by its hash slot,
 * so one slot is one range: CLUSTER COUNTKEYSINSLOT and GETKEYSINSLOT read only that range, and a
 * data directory is refused by a node started in the other mode instead of looking empty.
 */
class ClusterStorageTest {
    private static final int KEYS = 300;

    @Test
    void everyStoredKeyIsLedByItsSlotAndASlotIsOneRange() throws Exception {
        try (TestServer n = TestServer.start(Map.of("cluster-enabled", "yes"));
             RawClient c = new RawClient(n.port())) {
            String id = bulk(c.call("CLUSTER", "MYID"));
            assertThat(c.call("CLUSTERX", "SETNODES", id + " 127.0.0.1 " + n.port() + " master - 0-16383", "1"))
                    .isEqualTo("+OK\r\n");
            Map<Integer, Set<String>> bySlot = new HashMap<>();
            for (int i = 0; i < KEYS; i++) {
                String k = (i % 3 == 0 ? "{user" + (i % 7) + "}:" : "key:") + i;
                switch (i % 4) {
                    case 0 -> c.call("SET", k, "v");
                    // Some past what a small hash or sorted set keeps in its record: in subkeys and the index.
                    case 1 -> c.call("HSET", k, "f", "v", "g", i % 8 == 1 ? "w".repeat(100) : "w");
                    case 2 -> c.call("ZADD", k, "1", "a", "2", i % 8 == 2 ? "b".repeat(100) : "b");
                    default -> c.call("XADD", k, "*", "f", "v");
                }
                if (i % 5 == 0) {
                    c.call("EXPIRE", k, "1000");
                }
                bySlot.computeIfAbsent(HashSlot.of(k.getBytes(StandardCharsets.UTF_8)), s -> new HashSet<>()).add(k);
            }
            for (Map.Entry<Integer, Set<String>> e : bySlot.entrySet()) {
                String slot = Integer.toString(e.getKey());
                assertThat(c.call("CLUSTER", "COUNTKEYSINSLOT", slot)).isEqualTo(":" + e.getValue().size() + "\r\n");
                assertThat(Set.copyOf(bulks(c.call("CLUSTER", "GETKEYSINSLOT", slot, "1000")))).isEqualTo(e.getValue());
            }
            assertThat(c.call("DBSIZE")).isEqualTo(":" + KEYS + "\r\n");
            assertThat(bulks(c.call("KEYS", "*"))).hasSize(KEYS);
            assertThat(bulks(c.call("KEYS", "key:1*"))).hasSize((int) countMatching(bySlot, "key:1"));
            assertThat(c.call("INFO", "keyspace")).contains("db0:keys=" + KEYS + ",expires=" + (KEYS / 5) + ",");

            // In RocksDB: every key of every keyed family starts with [0x80][u16 slot of its user key].
            var storage = n.hub().storage();
            for (ColumnFamily cf : List.of(ColumnFamily.METADATA, ColumnFamily.SUBKEY, ColumnFamily.ZSET_SCORE,
                    ColumnFamily.STREAM)) {
                int seen = 0;
                try (RocksIterator it = storage.iterator(cf)) {
                    for (it.seekToFirst(); it.isValid(); it.next(), seen++) {
                        byte[] k = it.key();
                        assertThat(k[0] & 0xff).as("%s namespace", cf).isEqualTo(StoredKey.CLUSTER);
                        int slot = StoredKey.slot(k);
                        byte[] user = cf == ColumnFamily.METADATA ? StoredKey.user(k) : userOfSubkey(k);
                        assertThat(slot).as("%s slot of %s", cf, new String(user, StandardCharsets.UTF_8))
                                .isEqualTo(HashSlot.of(user));
                    }
                }
                assertThat(seen).as("%s entries", cf).isPositive();
            }
            assertThat(c.call("FLUSHALL")).isEqualTo("+OK\r\n");
            assertThat(c.call("DBSIZE")).isEqualTo(":0\r\n");
        }
    }

    @Test
    void aDataDirectoryIsRefusedByANodeStartedInTheOtherMode() throws Exception {
        Path root = Files.createTempDirectory("cluster-layout");
        try {
            try (TestServer n = TestServer.startIn(root.resolve("plain"), Map.of());
                 RawClient c = new RawClient(n.port())) {
                c.call("SET", "k", "v");
            }
            Map<String, String> cluster = Map.of("cluster-enabled", "yes",
                    "cluster-config-file", root.resolve("nodes.conf").toString());
            assertThatThrownBy(() -> TestServer.startIn(root.resolve("plain"), cluster))
                    .hasStackTraceContaining("holds keys written without cluster mode");
            try (TestServer n = TestServer.startIn(root.resolve("slotted"), cluster);
                 RawClient c = new RawClient(n.port())) {
                String id = bulk(c.call("CLUSTER", "MYID"));
                c.call("CLUSTERX", "SETNODES", id + " 127.0.0.1 " + n.port() + " master - 0-16383", "1");
                assertThat(c.call("SET", "k", "v")).isEqualTo("+OK\r\n");
            }
            assertThatThrownBy(() -> TestServer.startIn(root.resolve("slotted"), Map.of()))
                    .hasStackTraceContaining("holds keys written in cluster mode");
            // Each still opens in its own mode, its keys there.
            try (TestServer n = TestServer.startIn(root.resolve("plain"), Map.of());
                 RawClient c = new RawClient(n.port())) {
                assertThat(c.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
            }
        } finally {
            TestServer.deleteTree(root);
        }
    }

    /** The user key inside a subkey: {@code [0x80][u16 slot][u32 len][user key]...}. */
    private static byte[] userOfSubkey(byte[] k) {
        int len = (k[3] & 0xff) << 24 | (k[4] & 0xff) << 16 | (k[5] & 0xff) << 8 | k[6] & 0xff;
        return java.util.Arrays.copyOfRange(k, 7, 7 + len);
    }

    private static long countMatching(Map<Integer, Set<String>> bySlot, String prefix) {
        return bySlot.values().stream().flatMap(Set::stream).filter(k -> k.startsWith(prefix)).count();
    }

    private static String bulk(String reply) {
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    /** The strings of a RESP array of bulk strings. */
    private static List<String> bulks(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n");
        for (int i = 1; i < lines.length; i += 2) {
            out.add(lines[i + 1]);
        }
        return out;
    }
}
