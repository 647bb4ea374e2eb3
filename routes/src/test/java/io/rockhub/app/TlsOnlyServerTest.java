package io.rockhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.app.timeseries.TsdbServers;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestCertificates;
import io.rockhub.resp.testing.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A server that speaks only TLS ({@code port 0} beside {@code tls-port}): the routes in its process
 * reach it through its TLS port with its client certificate (a point sent to the TCP ingest lands),
 * and a real Prometheus scrapes its metrics over HTTPS, presenting a client certificate.
 */
class TlsOnlyServerTest {
    @Test
    void routesAndPrometheusReachATlsOnlyServer() throws Exception {
        Path tmp = Files.createTempDirectory("rockhub-tls-only");
        int tlsPort = RealRedis.freePort();
        int metricsPort = RealRedis.freePort();
        int ingestPort = RealRedis.freePort();
        try (TestCertificates certs = TestCertificates.create()) {
            Path routes = tmp.resolve("routes.properties");
            Files.writeString(routes, "rockhub.tsdb.ingest.port=" + ingestPort + "\n");
            try (ServerProcess server = ServerProcess.start(tmp.resolve("data"), "--port", "0", "--tls-port",
                    Integer.toString(tlsPort), "--tls-cert-file", certs.path("server.crt").toString(), "--tls-key-file",
                    certs.path("server.key").toString(), "--tls-ca-cert-file", certs.path("ca.crt").toString(),
                    "--metrics-port", Integer.toString(metricsPort), "--metrics-tls", "yes",
                    "--routes-config", routes.toString());
                 TsdbServers.Server prometheus = TsdbServers.prometheus(tmp.resolve("prometheus"),
                         "scrape_configs:\n  - job_name: rockhub\n    scheme: https\n    scrape_interval: 1s\n"
                                 + "    tls_config:\n      ca_file: " + certs.path("ca.crt") + "\n      cert_file: "
                                 + certs.path("client.crt") + "\n      key_file: " + certs.path("client.key") + "\n"
                                 + "    static_configs:\n      - targets: ['127.0.0.1:" + metricsPort + "']\n").start()) {
                assertThat(server.port()).as("no plain port").isZero();
                assertThat(server.output()).contains("TLS on port " + tlsPort);

                try (Socket ingest = new Socket("127.0.0.1", ingestPort); OutputStream out = ingest.getOutputStream()) {
                    out.write("pressure,entity=pump-7 value=3.5 1700000000000000000\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Awaitility.await("the ingested point in RockHub").atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(100)).until(() -> keys(tlsPort, certs).contains("pump-7"));
                }

                Awaitility.await("Prometheus has scraped RockHub over HTTPS").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500)).until(() -> TsdbServers.get(prometheus.url()
                                + "/api/v1/query?query=" + TsdbServers.q("rockhub_clients_connected{job=\"rockhub\"}"))
                                .contains("\"result\":[{"));
                assertThat(TsdbServers.get(prometheus.url() + "/api/v1/query?query=" + TsdbServers.q("up{job=\"rockhub\"}")))
                        .contains("\"1\"]");
            }
        } finally {
            TestServer.deleteTree(tmp);
        }
    }

    private static String keys(int tlsPort, TestCertificates certs) throws Exception {
        SSLSocket s = (SSLSocket) certs.clientContext(true).getSocketFactory().createSocket("127.0.0.1", tlsPort);
        try (RawClient c = new RawClient(s)) {
            return c.call("KEYS", "*");
        }
    }
}
