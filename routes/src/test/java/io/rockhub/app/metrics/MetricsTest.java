package io.rockhub.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The server's metrics report what happened: values, not only names. */
class MetricsTest {
    private static double value(Metrics metrics, String series) {
        for (String line : metrics.registry().scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in\n" + metrics.registry().scrape());
    }

    @Test
    void serverMetricsCountKeysClientsCommandsFsyncsAndReplicas() throws Exception {
        try (TestServer primary = TestServer.start(); Metrics metrics = new Metrics()) {
            metrics.bind(primary.node());
            try (Jedis j = new Jedis("127.0.0.1", primary.port())) {
                for (int i = 0; i < 10; i++) {
                    j.set("k" + i, "v");
                }
                assertThat(value(metrics, "rockhub_keys")).isEqualTo(10.0);
                assertThat(value(metrics, "rockhub_clients_connected")).isEqualTo(1.0);
                assertThat(value(metrics, "rockhub_command_duration_seconds_count{command=\"set\"}")).isEqualTo(10.0);
                assertThat(value(metrics, "rockhub_commands_total")).isGreaterThanOrEqualTo(10.0);
                double fsyncs = value(metrics, "rockhub_wal_fsyncs_total");
                assertThat(fsyncs).as("sync mode: each of the 10 serial SETs waited for an fsync").isGreaterThanOrEqualTo(10.0);
                assertThat(fsyncs).isEqualTo((double) primary.hub().storage().committer().fsyncCount());
                assertThat(value(metrics, "rockhub_wal_sync_seconds_count")).isGreaterThanOrEqualTo(fsyncs);
                assertThat(value(metrics, "rockhub_wal_sync_waiters_total")).isGreaterThanOrEqualTo(10.0);
                assertThat(value(metrics, "rockhub_replication_replicas")).isZero();

                try (TestServer replica = TestServer.start(Map.of("replicaof", "127.0.0.1 " + primary.port()))) {
                    Wait.until(Duration.ofSeconds(30), "the replica to attach",
                            () -> value(metrics, "rockhub_replication_replicas") == 1.0);
                }
                Wait.until(Duration.ofSeconds(90), "the primary to see the replica gone",
                        () -> value(metrics, "rockhub_replication_replicas") == 0.0);
            }
            Wait.until(Duration.ofSeconds(10), "the client to be gone",
                    () -> value(metrics, "rockhub_clients_connected") == 0.0);
        }
    }
}
