package io.rockhub.app.export;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route that drives the exactly-once export: a timer fires every poll timeout; each firing
 * exports batches (one Kafka transaction each) while there is something to export, for up to a
 * second. A failure (Kafka or RockHub away) is counted and logged, and the exporter recovers on the
 * next firing (a new producer that fences the old one, cursors re-read from Kafka). Export lag per
 * stream is a metric and is logged every 30 seconds while a stream is behind.
 */
public final class ExportRoute extends RouteBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(ExportRoute.class);

    private final StreamExporter exporter;
    private final Counter errors;
    private volatile boolean needsRecovery = true;
    private long lastLagLog;

    public ExportRoute(StreamExporter exporter, MeterRegistry registry) {
        this.exporter = exporter;
        this.errors = Counter.builder("rockhub.export.errors").description("Failed export attempts (retried)")
                .register(registry);
        for (String s : exporter.config().streams()) {
            FunctionCounter.builder("rockhub.export.exported", exporter, e -> e.exported(s)).tag("stream", s)
                    .description("Entries exported to Kafka and committed").register(registry);
            Gauge.builder("rockhub.export.lag.entries", exporter, e -> lag(e, s).entries()).tag("stream", s)
                    .description("Entries added to the stream and not yet exported").register(registry);
            Gauge.builder("rockhub.export.lag.seconds", exporter, e -> lag(e, s).millis() / 1000.0).tag("stream", s)
                    .description("Age of the newest exported entry while the stream is behind").register(registry);
            Gauge.builder("rockhub.export.stopped", exporter, e -> e.stoppedStreams().containsKey(s) ? 1 : 0)
                    .tag("stream", s).description("1 when the stream's export stopped (trimmed past its cursor)")
                    .register(registry);
        }
    }

    private static StreamExporter.Lag lag(StreamExporter e, String stream) {
        return e.lags().getOrDefault(stream, new StreamExporter.Lag(0, 0));
    }

    @Override
    public void configure() {
        ExportConfig c = exporter.config();
        from("timer:rockhub-export?delay=0&period=" + Math.max(1, c.pollTimeoutMillis()))
                .routeId("rockhub-export")
                .process(exchange -> {
                    try {
                        if (needsRecovery) {
                            exporter.recover();
                            needsRecovery = false;
                        }
                        long until = System.nanoTime() + 1_000_000_000L;
                        int n;
                        do {
                            n = exporter.exportAll();
                        } while (n > 0 && System.nanoTime() < until);
                        logLag();
                    } catch (RuntimeException e) {
                        errors.increment();
                        needsRecovery = true;
                        LOG.warn("export to Kafka failed ({}); retrying", e.toString());
                    }
                });
    }

    private void logLag() {
        long now = System.currentTimeMillis();
        if (now - lastLagLog < 30_000) {
            return;
        }
        lastLagLog = now;
        exporter.lags().forEach((stream, lag) -> {
            if (lag.entries() > 0) {
                LOG.info("export lag of {}: {} entries, {} s", stream, lag.entries(), lag.millis() / 1000.0);
            }
        });
        exporter.stoppedStreams().values().forEach(LOG::error);
    }
}
