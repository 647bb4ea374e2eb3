package io.rockhub.app.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rockhub.resp.server.Hub;
import io.rockhub.resp.server.Node;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.rocksdb.TickerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer metrics of the server (and, registered by them, of the routes), served for Prometheus
 * at {@code http://<metrics-bind>:<metrics-port>/metrics} (https with {@code metrics-tls yes}). Gauges read the live node, so they follow
 * it across a replica's reopen.
 */
public final class Metrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Timer> commandTimers = new ConcurrentHashMap<>();
    private HttpServer http;

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Registers the server's meters; the command-latency histogram follows the node's hub. */
    public void bind(Node node) {
        ToDoubleFunction<Node> clients = n -> n.hub().clients().size();
        Gauge.builder("rockhub.clients.connected", node, clients).description("Client connections").register(registry);
        Gauge.builder("rockhub.clients.blocked", node, n -> n.hub().blocked().blockedClients())
                .description("Clients blocked in BLPOP, XREAD BLOCK, WAIT and the like").register(registry);
        Gauge.builder("rockhub.keys", node, n -> n.hub().keys().size()).description("Keys in the keyspace")
                .register(registry);
        Gauge.builder("rockhub.sst.bytes", node, n -> n.hub().storage().sstBytes()).baseUnit("bytes")
                .description("Bytes of RocksDB SST files").register(registry);
        Gauge.builder("rockhub.block.cache.hit.ratio", node, n -> {
            double hit = n.hub().storage().ticker(TickerType.BLOCK_CACHE_HIT);
            double miss = n.hub().storage().ticker(TickerType.BLOCK_CACHE_MISS);
            return hit + miss == 0 ? 0 : hit / (hit + miss);
        }).description("Share of block reads served by the block cache").register(registry);
        FunctionTimer.builder("rockhub.wal.sync", node, n -> n.hub().storage().committer().flushCount(),
                        n -> n.hub().storage().committer().syncNanosTotal(), TimeUnit.NANOSECONDS)
                .description("WAL syncs of the group committer (write + fsync in sync mode)").register(registry);
        FunctionCounter.builder("rockhub.wal.fsyncs", node, n -> n.hub().storage().committer().fsyncCount())
                .description("WAL flushes that fsynced the file (every one in sync mode, about one a second relaxed)")
                .register(registry);
        FunctionCounter.builder("rockhub.wal.sync.waiters", node, n -> n.hub().storage().committer().releasedWaiters())
                .description("Writers released by WAL syncs; divided by rockhub_wal_sync_seconds_count, the batch size")
                .register(registry);
        FunctionCounter.builder("rockhub.commands", node, n -> n.hub().stats().commandsProcessed.sum())
                .description("Commands processed").register(registry);
        Gauge.builder("rockhub.replication.replicas", node, n -> n.hub().replication().peers().size())
                .description("Replicas streaming from this server").register(registry);
        listenForLatency(node.hub());
    }

    /** The per-command latency histogram; call again after the node reopened on a new hub. */
    public void listenForLatency(Hub hub) {
        hub.stats().latencyListener((command, micros) -> commandTimers.computeIfAbsent(command,
                c -> Timer.builder("rockhub.command.duration").tag("command", c)
                        .description("Command execution time, by command")
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry))
                .record(micros, TimeUnit.MICROSECONDS));
    }

    /** Serves /metrics on {@code bind:port} (port 0 picks a free one); returns the port. */
    public int serve(String bind, int port) throws IOException {
        return serve(bind, port, null);
    }

    /** As {@link #serve(String, int)}, over HTTPS with the node's TLS certificate when {@code tls} is given. */
    public int serve(String bind, int port, io.rockhub.resp.tls.Tls.JdkServer tls) throws IOException {
        if (tls == null) {
            http = HttpServer.create(new InetSocketAddress(bind, port), 16);
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress(bind, port), 16);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls.context()) {
                @Override
                public void configure(com.sun.net.httpserver.HttpsParameters params) {
                    javax.net.ssl.SSLParameters p = tls.context().getDefaultSSLParameters();
                    if (tls.clientCertificates() == null) {
                        p.setWantClientAuth(true);
                    } else {
                        p.setNeedClientAuth(tls.clientCertificates());
                    }
                    params.setSSLParameters(p);
                }
            });
            http = https;
        }
        http.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        int bound = http.getAddress().getPort();
        LOG.info("metrics for Prometheus on {}://{}:{}/metrics", tls == null ? "http" : "https", bind, bound);
        return bound;
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        registry.close();
    }
}
