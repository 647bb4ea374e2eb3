package io.rockhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.app.kafka.Topics;
import io.rockhub.app.kafka.EmbeddedKafka;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XAddParams;

/**
 * The application as operators run it: one process with the RESP server, the export route and the
 * Prometheus endpoint; killed with SIGKILL in the middle of exporting and restarted, every entry
 * is in Kafka exactly once.
 */
class ExportApplicationTest {
    @Test
    void theServerExportsItsStreamsExactlyOnceAcrossASigkillAndServesMetrics() throws Exception {
        Path kafkaDir = Files.createTempDirectory("kafka");
        Path dataDir = Files.createTempDirectory("rockhub-app");
        Path routes = Files.createTempFile("routes", ".properties");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir)) {
            String stream = "events";
            Files.writeString(routes, String.join("\n",
                    "rockhub.export.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "rockhub.export.streams=" + stream,
                    "rockhub.export.batch-size=50",
                    "rockhub.export.poll-timeout-ms=20"));
            int port = RealRedis.freePort();
            int metricsPort = RealRedis.freePort();
            String[] args = {"--port", Integer.toString(port), "--routes-config", routes.toString(),
                "--metrics-port", Integer.toString(metricsPort)};
            List<String> added = new ArrayList<>();
            try (ServerProcess server = ServerProcess.start(dataDir, args); Jedis j = new Jedis("127.0.0.1", port)) {
                for (int i = 0; i < 2000; i++) {
                    added.add(j.xadd(stream, XAddParams.xAddParams(), Map.of("i", Integer.toString(i))).toString());
                }
                Awaitility.await("export under way").atMost(Duration.ofSeconds(60))
                        .until(() -> Topics.committedCount(kafka, "rockhub." + stream) >= 200);
                server.kill();
            }
            try (ServerProcess server = ServerProcess.start(dataDir, args); Jedis j = new Jedis("127.0.0.1", port)) {
                for (int i = 2000; i < 2500; i++) {
                    added.add(j.xadd(stream, XAddParams.xAddParams(), Map.of("i", Integer.toString(i))).toString());
                }
                Awaitility.await("everything exported").atMost(Duration.ofSeconds(90))
                        .until(() -> Topics.committedCount(kafka, "rockhub." + stream) >= added.size());
                assertThat(Topics.ids(Topics.committed(kafka, "rockhub." + stream))).containsExactlyElementsOf(added);

                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
                assertThat(metrics).contains("rockhub_export_exported_total{stream=\"events\"}",
                        "rockhub_export_lag_entries{stream=\"events\"} 0.0",
                        "rockhub_command_duration_seconds_bucket{command=\"xadd\"",
                        "rockhub_clients_connected", "rockhub_wal_sync_seconds_count", "rockhub_sst_bytes",
                        "rockhub_block_cache_hit_ratio");
            }
        } finally {
            TestServer.deleteTree(kafkaDir);
            TestServer.deleteTree(dataDir);
            Files.deleteIfExists(routes);
        }
    }
}
