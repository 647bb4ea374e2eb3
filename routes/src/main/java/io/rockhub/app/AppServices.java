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
import redis.clients.jedis.JedisPooled;
import io.rockhub.core.config.HubConfig;
import io.rockhub.resp.server.Node;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.CamelContext;
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
    private final int metricsPort;
    private final BackupService backups;

    private AppServices(Metrics metrics, CamelContext camel, int metricsPort, BackupService backups) {
        this.metrics = metrics;
        this.camel = camel;
        this.metricsPort = metricsPort;
        this.backups = backups;
    }

    static AppServices start(HubConfig config, Node node) throws Exception {
        Metrics metrics = new Metrics();
        metrics.bind(node);
        node.onReopen(metrics::listenForLatency);
        int metricsPort = 0;
        if (config.getInt("metrics-port") > 0) {
            metricsPort = metrics.serve(config.get("metrics-bind"), config.getInt("metrics-port"));
        }
        BackupService backups = new BackupService(config, node, metrics.registry());
        CamelContext camel = null;
        if (config.getLong("backup-interval-seconds") > 0) {
            camel = new DefaultCamelContext();
            camel.getCamelContextExtension().setName("rockhub");
            camel.addRoutes(backups.route());
            LOG.info("backing up every {} s to {}", config.getLong("backup-interval-seconds"),
                    backups.backups().store().describe());
        }
        String routes = config.get("routes-config").trim();
        if (!routes.isEmpty()) {
            Properties p = load(Path.of(routes));
            if (p.getProperty("rockhub.export.redis.port") == null) {
                p.setProperty("rockhub.export.redis.port", Integer.toString(node.port()));
            }
            if (p.getProperty("rockhub.export.redis.password") == null && !config.get("requirepass").isEmpty()) {
                p.setProperty("rockhub.export.redis.password", config.get("requirepass"));
            }
            TsdbConfig tsdb = TsdbConfig.from(p);
            if (tsdb != null) {
                if (camel == null) {
                    camel = new DefaultCamelContext();
                    camel.getCamelContextExtension().setName("rockhub");
                }
                String password = config.get("requirepass").isEmpty() ? null : config.get("requirepass");
                List<TimeSeriesExporter> exporters = new ArrayList<>();
                if (!tsdb.prometheusUrl().isEmpty()) {
                    exporters.add(new TimeSeriesExporter(new PrometheusRemoteWriter(tsdb.prometheusUrl()), tsdb.template(),
                            "127.0.0.1", node.port(), password, tsdb.batchSize()));
                }
                if (!tsdb.influxUrl().isEmpty()) {
                    exporters.add(new TimeSeriesExporter(new InfluxWriter(tsdb.influxUrl(), tsdb.influxDatabase()),
                            tsdb.template(), "127.0.0.1", node.port(), password, tsdb.batchSize()));
                }
                camel.addRoutes(new TimeSeriesRoute(exporters, tsdb.pollMillis(), metrics.registry()));
                if (tsdb.ingestPort() > 0) {
                    JedisPooled pool = new JedisPooled("127.0.0.1", node.port(), null, password);
                    camel.addRoutes(new Ingest(tsdb.template(), pool, metrics.registry())
                            .route(tsdb.ingestBind(), tsdb.ingestPort()));
                }
                LOG.info("time series {}: export to {}, ingest {}", tsdb.template().scanPattern(),
                        exporters.stream().map(TimeSeriesExporter::target).toList(),
                        tsdb.ingestPort() > 0 ? tsdb.ingestBind() + ":" + tsdb.ingestPort() : "off");
            }
            ExportConfig export = ExportConfig.from(p);
            if (export != null) {
                if (camel == null) {
                    camel = new DefaultCamelContext();
                    camel.getCamelContextExtension().setName("rockhub");
                }
                camel.addRoutes(new ExportRoute(new StreamExporter(export), metrics.registry()));
                LOG.info("exporting streams {} to Kafka at {} (topics {})", export.streams(), export.bootstrapServers(),
                        export.topicTemplate());
            } else if (tsdb == null) {
                LOG.info("{} configures no route: the server runs alone", routes);
            }
        }
        if (camel != null) {
            camel.start();
        }
        return new AppServices(metrics, camel, metricsPort, backups);
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    int metricsPort() {
        return metricsPort;
    }

    boolean routesRunning() {
        return camel != null;
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
