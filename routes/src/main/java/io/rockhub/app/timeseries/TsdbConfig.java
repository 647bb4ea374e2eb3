package io.rockhub.app.timeseries;

import java.util.Properties;

/**
 * The time-series routes' properties ({@code rockhub.tsdb.*}):
 *
 * <pre>
 * rockhub.tsdb.template                 key template (default metrics:{entity}:{metric})
 * rockhub.tsdb.prometheus.url           Prometheus base URL with remote write enabled (export on when set)
 * rockhub.tsdb.influxdb.url             InfluxDB 1.x base URL (export on when set)
 * rockhub.tsdb.influxdb.database        its database (default rockhub)
 * rockhub.tsdb.batch-size               samples per key per write (default 1000)
 * rockhub.tsdb.poll-ms                  pause between passes (default 1000)
 * rockhub.tsdb.ingest.port              TCP port accepting InfluxDB line protocol and Graphite plaintext (off if unset)
 * rockhub.tsdb.ingest.bind              its address (default 127.0.0.1)
 * rockhub.tsdb.redis.user / .password   the ACL user the export and the ingest log in as (default: the default user)
 * </pre>
 */
public record TsdbConfig(SeriesTemplate template, String prometheusUrl, String influxUrl, String influxDatabase,
                         int batchSize, long pollMillis, int ingestPort, String ingestBind) {

    /** The settings, or null when the properties configure neither export nor ingest. */
    public static TsdbConfig from(Properties p) {
        String prom = p.getProperty("rockhub.tsdb.prometheus.url", "").trim();
        String influx = p.getProperty("rockhub.tsdb.influxdb.url", "").trim();
        String ingest = p.getProperty("rockhub.tsdb.ingest.port", "").trim();
        if (prom.isEmpty() && influx.isEmpty() && ingest.isEmpty()) {
            return null;
        }
        return new TsdbConfig(SeriesTemplate.parse(p.getProperty("rockhub.tsdb.template", "metrics:{entity}:{metric}").trim()),
                prom, influx, p.getProperty("rockhub.tsdb.influxdb.database", "rockhub").trim(),
                Integer.parseInt(p.getProperty("rockhub.tsdb.batch-size", "1000").trim()),
                Long.parseLong(p.getProperty("rockhub.tsdb.poll-ms", "1000").trim()),
                ingest.isEmpty() ? 0 : Integer.parseInt(ingest), p.getProperty("rockhub.tsdb.ingest.bind", "127.0.0.1").trim());
    }
}
