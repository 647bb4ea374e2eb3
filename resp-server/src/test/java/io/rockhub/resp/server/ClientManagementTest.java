package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientManagementTest {
    @Test
    void clientKillByIdClosesThatConnectionOnly() throws Exception {
        try (TestServer server = TestServer.start();
             RawClient admin = new RawClient(server.port()); RawClient victim = new RawClient(server.port())) {
            String id = victim.call("CLIENT", "ID").substring(1).trim();
            assertThat(admin.call("CLIENT", "LIST")).contains("id=" + id + " ");
            assertThat(admin.call("CLIENT", "KILL", "ID", id)).isEqualTo(":1\r\n");
            assertThat(victim.closedByServer()).isTrue();
            assertThat(admin.call("CLIENT", "KILL", "ID", id)).isEqualTo(":0\r\n");
            assertThat(admin.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(admin.call("INFO", "clients")).contains("connected_clients:1");
        }
    }

    @Test
    void idleClientsAreClosedAfterTimeout() throws Exception {
        try (TestServer server = TestServer.start(Map.of("timeout", "1"));
             RawClient idle = new RawClient(server.port())) {
            assertThat(idle.call("PING")).isEqualTo("+PONG\r\n");
            // The socket read times out after 10 s; the server closes idle clients after 1-2 s.
            assertThat(idle.closedByServer()).isTrue();
        }
    }

    @Test
    void maxclientsRefusesTheConnectionBeyondTheLimit() throws Exception {
        try (TestServer server = TestServer.start(Map.of("maxclients", "1"));
             RawClient first = new RawClient(server.port()); RawClient second = new RawClient(server.port())) {
            assertThat(second.readReply()).isEqualTo("-ERR max number of clients reached\r\n");
            assertThat(first.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(first.call("INFO", "stats")).contains("rejected_connections:1");
        }
    }

    @Test
    void infoReportsRocksDbAndDurability() throws Exception {
        try (TestServer server = TestServer.start(); RawClient c = new RawClient(server.port())) {
            c.call("SET", "k", "v");
            String info = c.call("INFO", "rocksdb", "persistence", "keyspace");
            assertThat(info).contains("# RocksDB\r\n").contains("block_cache_hit_rate:").contains("memtable_size:")
                    .contains("estimate_pending_compaction_bytes:").contains("level0:files=")
                    .contains("durability:sync").contains("wal_syncs:").contains("db0:keys=1,expires=0");
        }
    }
}
