package io.rockhub.resp.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestCertificates;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica with {@code tls-replication yes} follows its primary through the primary's TLS port,
 * presenting its certificate (the primary requires one): the full copy and the WAL stream travel
 * encrypted. A replica without TLS gets nothing from that port.
 */
class ReplicaOverTlsTest {
    @Test
    void aReplicaFollowsItsPrimaryThroughTheTlsPort() throws Exception {
        try (TestCertificates certs = TestCertificates.create()) {
            Map<String, String> primarySettings = certs.serverSettings(RealRedis.freePort());
            primarySettings.put("port", Integer.toString(RealRedis.freePort())); // beside the TLS port
            try (TestServer primary = TestServer.start(primarySettings); RawClient p = new RawClient(primary.port())) {
                int tlsPort = primary.hub().tls().port();
                p.call("SET", "before", "the copy");
                Map<String, String> replicaSettings = certs.serverSettings(0);
                replicaSettings.put("tls-replication", "yes");
                replicaSettings.put("replicaof", "127.0.0.1 " + tlsPort);
                try (TestServer replica = TestServer.start(replicaSettings)) {
                    p.call("SET", "after", "streamed");
                    Wait.untilReply(Duration.ofSeconds(60), replica.port(), "*2\r\n$8\r\nthe copy\r\n$8\r\nstreamed\r\n",
                            "MGET", "before", "after");
                    Wait.until(Duration.ofSeconds(10), "the primary to list the replica", () -> {
                        try {
                            return p.call("INFO", "replication").contains("connected_slaves:1");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    // Listed under its plain port: it has no TLS port of its own (Redis's rule).
                    assertThat(p.call("INFO", "replication")).contains("port=" + replica.port() + ",");

                    // The same port, without TLS: no handshake, no copy.
                    try (TestServer plain = TestServer.start(Map.of("replicaof", "127.0.0.1 " + tlsPort))) {
                        p.call("SET", "later", "1");
                        Wait.untilReply(Duration.ofSeconds(30), replica.port(), "$1\r\n1\r\n", "GET", "later");
                        try (RawClient r = new RawClient(plain.port())) {
                            assertThat(r.call("INFO", "replication")).contains("master_link_status:down");
                            assertThat(r.call("GET", "later")).isEqualTo("$-1\r\n");
                        }
                    }
                }
            }
        }
    }
}
