package io.rockhub.app;

import io.rockhub.app.export.ExportConfig;
import io.rockhub.app.export.ExportRoute;
import io.rockhub.app.export.StreamExporter;
import io.rockhub.app.metrics.Metrics;
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
 * What runs beside the RESP server in the same process, each only when configured: the Prometheus
 * endpoint ({@code metrics-port}) and the Camel routes ({@code routes-config}; today the streams to
 * Kafka export). With neither, the server runs alone.
 */
final class AppServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AppServices.class);

    private final Metrics metrics;
    private final CamelContext camel;
    private final int metricsPort;

    private AppServices(Metrics metrics, CamelContext camel, int metricsPort) {
        this.metrics = metrics;
        this.camel = camel;
        this.metricsPort = metricsPort;
    }

    static AppServices start(HubConfig config, Node node) throws Exception {
        Metrics metrics = new Metrics();
        metrics.bind(node);
        node.onReopen(metrics::listenForLatency);
        int metricsPort = 0;
        if (config.getInt("metrics-port") > 0) {
            metricsPort = metrics.serve(config.get("metrics-bind"), config.getInt("metrics-port"));
        }
        CamelContext camel = null;
        String routes = config.get("routes-config").trim();
        if (!routes.isEmpty()) {
            Properties p = load(Path.of(routes));
            if (p.getProperty("rockhub.export.redis.port") == null) {
                p.setProperty("rockhub.export.redis.port", Integer.toString(node.port()));
            }
            if (p.getProperty("rockhub.export.redis.password") == null && !config.get("requirepass").isEmpty()) {
                p.setProperty("rockhub.export.redis.password", config.get("requirepass"));
            }
            ExportConfig export = ExportConfig.from(p);
            if (export != null) {
                camel = new DefaultCamelContext();
                camel.getCamelContextExtension().setName("rockhub");
                camel.addRoutes(new ExportRoute(new StreamExporter(export), metrics.registry()));
                camel.start();
                LOG.info("exporting streams {} to Kafka at {} (topics {})", export.streams(), export.bootstrapServers(),
                        export.topicTemplate());
            } else {
                LOG.info("{} configures no route: the server runs alone", routes);
            }
        }
        return new AppServices(metrics, camel, metricsPort);
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
        metrics.close();
    }
}
