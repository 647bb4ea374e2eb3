package io.rockhub.app;

import io.rockhub.app.backup.BackupService;
import io.rockhub.app.export.ExportConfig;
import io.rockhub.app.export.ExportRoute;
import io.rockhub.app.export.StreamExporter;
import io.rockhub.app.metrics.Metrics;
import io.rockhub.app.timeseries.Ingest;
import io.rockhub.app.timeseries.InfluxWriter;
import io.rockhub.app.timeseries.PrometheusRemoteWriter;
import io.rockhub.app.timeseries.TimeSeriesExporter;
import io.rockhub.app.timeseries.TimeSeriesRoute;
import io.rockhub.app.timeseries.TsdbConfig;
import java.util.ArrayList;
import java.util.List;
import io.rockhub.core.config.HubConfig;
import io.rockhub.resp.server.Node;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs beside the RESP server in the same process: backups (BGSAVE/LASTSAVE always, to the local
 * {@code backup-dir} unless S3 is configured; scheduled by a Camel route with
 * {@code backup-interval-seconds}), the Prometheus endpoint ({@code metrics-port}) and the export route
 * ({@code routes-config}). Without those settings the server runs alone.
 */
final class AppServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AppServices.class);

    private final Metrics metrics;
    private final CamelContext camel;
    private final BackupService backups;

    private AppServices(Metrics metrics, CamelContext camel, BackupService backups) {
        this.metrics = metrics;
        this.camel = camel;
        this.backups = backups;
    }

    static AppServices start(HubConfig config, Node node) throws Exception {
        Metrics metrics = new Metrics();
        metrics.bind(node);
        node.onReopen(metrics::listenForLatency);
        if (config.getInt("metrics-port") > 0) {
            try {
                metrics.serve(config.get("metrics-bind"), config.getInt("metrics-port"),
                        config.getBool("metrics-tls") ? node.hub().tls().jdkServer() : null);
            } catch (io.rockhub.resp.tls.TlsSetupException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        BackupService backups = new BackupService(config, node, metrics.registry());
        List<RouteBuilder> routes = new ArrayList<>();
        if (config.getLong("backup-interval-seconds") > 0) {
            routes.add(backups.route());
            LOG.info("backing up every {} s to {}", config.getLong("backup-interval-seconds"),
                    backups.backups().store().describe());
        }
        String file = config.get("routes-config").trim();
        if (!file.isEmpty()) {
            String password = config.get("requirepass").isEmpty() ? null : config.get("requirepass");
            Properties p = load(Path.of(file));
            RockHubEndpoint local = RockHubEndpoint.local(node, password);
            boolean exportsLocally = !p.containsKey("rockhub.export.redis.port");
            p.putIfAbsent("rockhub.export.redis.port", Integer.toString(local.port()));
            if (password != null) {
                p.putIfAbsent("rockhub.export.redis.password", password);
            }
            TsdbConfig tsdb = TsdbConfig.from(p);
            if (tsdb != null) {
                String tsdbUser = p.getProperty("rockhub.tsdb.redis.user", "").trim();
                routes.addAll(timeSeriesRoutes(tsdb, tsdbUser.isEmpty() ? local
                        : local.as(tsdbUser, p.getProperty("rockhub.tsdb.redis.password", "")), metrics));
            }
            ExportConfig export = ExportConfig.from(p);
            if (export != null) {
                routes.add(new ExportRoute(new StreamExporter(export, exportsLocally ? local.tls() : null), metrics.registry()));
                LOG.info("exporting streams {} to Kafka at {} (topics {})", export.streams(), export.bootstrapServers(),
                        export.topicTemplate());
            }
            if (tsdb == null && export == null) {
                LOG.info("{} configures no route: the server runs alone", file);
            }
        }
        CamelContext camel = null;
        if (!routes.isEmpty()) {
            camel = new DefaultCamelContext();
            camel.getCamelContextExtension().setName("rockhub");
            for (RouteBuilder r : routes) {
                camel.addRoutes(r);
            }
            camel.start();
        }
        return new AppServices(metrics, camel, backups);
    }

    /** An export route per configured TSDB, and the TCP ingest if it has a port. */
    private static List<RouteBuilder> timeSeriesRoutes(TsdbConfig tsdb, RockHubEndpoint rockhub, Metrics metrics) {
        List<TimeSeriesExporter> exporters = new ArrayList<>();
        if (!tsdb.prometheusUrl().isEmpty()) {
            exporters.add(new TimeSeriesExporter(new PrometheusRemoteWriter(tsdb.prometheusUrl()), tsdb.template(),
                    rockhub, tsdb.batchSize()));
        }
        if (!tsdb.influxUrl().isEmpty()) {
            exporters.add(new TimeSeriesExporter(new InfluxWriter(tsdb.influxUrl(), tsdb.influxDatabase()),
                    tsdb.template(), rockhub, tsdb.batchSize()));
        }
        List<RouteBuilder> out = new ArrayList<>();
        out.add(new TimeSeriesRoute(exporters, tsdb.pollMillis(), metrics.registry()));
        if (tsdb.ingestPort() > 0) {
            out.add(new Ingest(tsdb.template(), rockhub.pooled(), metrics.registry())
                    .route(tsdb.ingestBind(), tsdb.ingestPort()));
        }
        LOG.info("time series {}: export to {}, ingest {}", tsdb.template().scanPattern(),
                exporters.stream().map(TimeSeriesExporter::target).toList(),
                tsdb.ingestPort() > 0 ? tsdb.ingestBind() + ":" + tsdb.ingestPort() : "off");
        return out;
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    @Override
    public void close() {
        if (camel != null) {
            try {
                camel.close();
            } catch (Exception e) {
                LOG.warn("stopping the routes failed", e);
            }
        }
        backups.close();
        metrics.close();
    }
}
