package io.rockhub.app.timeseries;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Camel route per TSDB: a timer runs the exporter every poll interval; a failed pass (the TSDB
 * or RockHub away) is counted and retried with back-off, the watermarks untouched. Metrics per
 * target: samples exported and rejected, export lag, failed passes.
 */
public final class TimeSeriesRoute extends RouteBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(TimeSeriesRoute.class);

    private final List<TimeSeriesExporter> exporters;
    private final long pollMillis;
    private final MeterRegistry registry;

    public TimeSeriesRoute(List<TimeSeriesExporter> exporters, long pollMillis, MeterRegistry registry) {
        this.exporters = exporters;
        this.pollMillis = pollMillis;
        this.registry = registry;
    }

    @Override
    public void configure() {
        for (TimeSeriesExporter e : exporters) {
            String target = e.target();
            FunctionCounter.builder("rockhub.tsdb.exported", e, TimeSeriesExporter::exported).tag("target", target)
                    .description("Samples the TSDB accepted").register(registry);
            FunctionCounter.builder("rockhub.tsdb.rejected", e, TimeSeriesExporter::rejected).tag("target", target)
                    .description("Samples the TSDB refused for good (4xx), skipped").register(registry);
            Gauge.builder("rockhub.tsdb.lag.seconds", e, x -> x.lagMillis() / 1000.0).tag("target", target)
                    .description("Age of the oldest sample not yet exported at the last pass").register(registry);
            Counter failures = Counter.builder("rockhub.tsdb.failures").tag("target", target)
                    .description("Export passes that failed and will be retried").register(registry);
            long[] backoffUntil = {0};
            long[] backoff = {pollMillis};
            from("timer:rockhub-tsdb-" + target + "?delay=0&period=" + Math.max(1, pollMillis))
                    .routeId("rockhub-tsdb-" + target)
                    .process(x -> {
                        if (System.currentTimeMillis() < backoffUntil[0]) {
                            return;
                        }
                        try {
                            e.exportOnce();
                            backoff[0] = pollMillis;
                        } catch (RuntimeException failure) {
                            failures.increment();
                            backoff[0] = Math.min(60_000, backoff[0] * 2);
                            backoffUntil[0] = System.currentTimeMillis() + backoff[0];
                            LOG.warn("export to {} failed ({}); retrying in {} ms", target, failure.getMessage(), backoff[0]);
                        }
                    });
        }
    }
}
