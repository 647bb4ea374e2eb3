package io.rockhub.app.timeseries;

import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The TSDB export benchmark ({@code bench/tsdb}): SAMPLES samples over 100 keys buffered in RockHub
 * and, in the same run, in Debian's Redis; the exporter drains each into Debian's Prometheus (remote
 * write) and InfluxDB 1.6 (line protocol), timed from the first pass to the last sample accepted.
 */
public final class TsdbBench {
    private TsdbBench() {
    }

    public static void main(String[] args) throws Exception {
        int samples = Integer.parseInt(System.getProperty("samples", "200000"));
        Path tmp = Files.createTempDirectory("bench-tsdb");
        StringBuilder out = new StringBuilder("| source | target | samples | rejected | seconds | samples/s |\n|---|---|---:|---:|---:|---:|\n");
        try (TestServer rockhub = TestServer.start(); RealRedis redis = RealRedis.start();
             TsdbServers.Server prometheus = TsdbServers.prometheus(tmp.resolve("p")).start();
             TsdbServers.Server influx = TsdbServers.influx(tmp.resolve("i")).start()) {
            TsdbServers.post(influx.url() + "/query", "q=" + TsdbServers.q("CREATE DATABASE bench"));
            for (String source : new String[] {"rockhub", "redis"}) {
                int port = source.equals("rockhub") ? rockhub.port() : redis.port();
                for (String target : new String[] {"prometheus", "influxdb"}) {
                    String prefix = "b" + source + target;
                    fill(port, prefix, samples);
                    TsdbWriter writer = target.equals("prometheus") ? new PrometheusRemoteWriter(prometheus.url())
                            : new InfluxWriter(influx.url(), "bench");
                    try (TimeSeriesExporter e = new TimeSeriesExporter(writer,
                            SeriesTemplate.parse(prefix + ":{entity}:{metric}"), "127.0.0.1", port, null, 5000)) {
                        long t0 = System.nanoTime();
                        while (e.exported() + e.rejected() < samples) {
                            e.exportOnce();
                        }
                        double s = (System.nanoTime() - t0) / 1e9;
                        out.append(String.format("| %s | %s | %d | %d | %.1f | %.0f |%n", source, target, samples,
                                e.rejected(), s, samples / s));
                    }
                }
            }
        } finally {
            TestServer.deleteTree(tmp);
        }
        System.out.print(out);
    }

    private static void fill(int port, String prefix, int samples) {
        long base = System.currentTimeMillis() - 3_000_000;
        try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < samples; i++) {
                long ts = base + (i / 100) * 10L;
                // The metric is named after the run: the same series from two runs would be out of order.
                p.zadd(prefix + ":dev" + (i % 100) + ":temp_" + prefix, ts, ts + ":" + (i % 1000) / 10.0);
                if (i % 1000 == 999) {
                    p.sync();
                }
            }
            p.sync();
        }
    }
}
