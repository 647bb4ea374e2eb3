package io.rockhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.app.timeseries.TsdbServers;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A real Prometheus scrapes the server's metrics endpoint and finds RockHub's series. */
class PrometheusScrapeTest {
    @Test
    void prometheusScrapesTheServersMetrics() throws Exception {
        Path tmp = Files.createTempDirectory("rockhub-scrape");
        int metricsPort = RealRedis.freePort();
        try (ServerProcess server = ServerProcess.start(tmp.resolve("data"), "--metrics-port",
                Integer.toString(metricsPort));
             TsdbServers.Server prometheus = TsdbServers.prometheus(tmp.resolve("prometheus"),
                "scrape_configs:\n  - job_name: rockhub\n    scrape_interval: 1s\n    static_configs:\n"
                        + "      - targets: ['127.0.0.1:" + metricsPort + "']\n").start()) {
            Awaitility.await("Prometheus has scraped RockHub").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> TsdbServers.get(prometheus.url()
                            + "/api/v1/query?query=" + TsdbServers.q("rockhub_clients_connected{job=\"rockhub\"}"))
                            .contains("\"result\":[{"));
            String up = TsdbServers.get(prometheus.url() + "/api/v1/query?query=" + TsdbServers.q("up{job=\"rockhub\"}"));
            assertThat(up).contains("\"1\"]");
        } finally {
            TestServer.deleteTree(tmp);
        }
    }
}
