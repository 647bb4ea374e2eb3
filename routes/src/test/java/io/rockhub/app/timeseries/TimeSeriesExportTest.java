package io.rockhub.app.timeseries;

import static io.rockhub.app.timeseries.TsdbServers.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.resp.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Time-series buffers in RockHub drained into real Prometheus and InfluxDB servers (Debian's packages). */
class TimeSeriesExportTest {
    private static Path tmp;
    private static TestServer rockhub;
    private static TsdbServers.Server prometheus;
    private static TsdbServers.Server influx;
    private static final SeriesTemplate TEMPLATE = SeriesTemplate.parse("metrics:{entity}:{metric}");

    @BeforeAll
    static void start() throws Exception {
        tmp = Files.createTempDirectory("rockhub-tsdb");
        rockhub = TestServer.start();
        prometheus = TsdbServers.prometheus(tmp.resolve("prometheus")).start();
        influx = TsdbServers.influx(tmp.resolve("influx")).start();
        TsdbServers.post(influx.url() + "/query", "q=" + q("CREATE DATABASE telemetry"));
    }

    @AfterAll
    static void stop() throws Exception {
        influx.close();
        prometheus.close();
        rockhub.close();
        TestServer.deleteTree(tmp);
    }

    /** ZADD n samples to key, one every 100 ms ending a minute ago; returns the first timestamp. */
    private static long addSamples(String key, int from, int to, long base) {
        try (Jedis j = new Jedis("127.0.0.1", rockhub.port())) {
            Pipeline p = j.pipelined();
            for (int i = from; i < to; i++) {
                long ts = base + i * 100L;
                p.zadd(key, ts, ts + ":" + (i * 1.5));
            }
            p.sync();
        }
        return base;
    }

    /** Each test uses its own key prefix, so its exporter sees only its own buffers. */
    private static TimeSeriesExporter exporter(TsdbWriter writer, int batch, String prefix) {
        return new TimeSeriesExporter(writer, SeriesTemplate.parse(prefix + ":{entity}:{metric}"), "127.0.0.1",
                rockhub.port(), null, batch);
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void templateMapsKeysToSeries() {
        assertThat(TEMPLATE.match("metrics:pump-7:pressure"))
                .isEqualTo(new SeriesTemplate.Series("pressure", java.util.Map.of("entity", "pump-7")));
        assertThat(TEMPLATE.match("metrics:pump-7")).isNull();
        assertThat(TEMPLATE.match("other:pump-7:pressure")).isNull();
        assertThat(TEMPLATE.scanPattern()).isEqualTo("metrics:*:*");
    }

    @Test
    void samplesReachPrometheusWithNamesLabelsValuesAndTimestamps() throws Exception {
        long base = System.currentTimeMillis() - 600_000;
        String entity = "pump" + System.nanoTime();
        addSamples("prom:" + entity + ":pressure", 0, 300, base);
        try (TimeSeriesExporter e = exporter(new PrometheusRemoteWriter(prometheus.url()), 100, "prom")) {
            assertThat(e.exportOnce()).isEqualTo(300);
            assertThat(e.exportOnce()).as("nothing twice").isZero();
        }
        String query = "pressure{entity=\"" + entity + "\"}[20m]";
        String body = TsdbServers.get(prometheus.url() + "/api/v1/query?query=" + q(query));
        assertThat(count(body, "\\[\\d+(\\.\\d+)?,\"")).isEqualTo(300);
        assertThat(body).contains("\"__name__\":\"pressure\"", "\"entity\":\"" + entity + "\"");
        // Prometheus writes the milliseconds as three digits (".420"), nothing when they are 0.
        assertThat(body).contains("[" + (base / 1000) + (base % 1000 == 0 ? "" : "." + String.format("%03d", base % 1000))
                + ",\"0\"]");
        assertThat(body).contains(",\"448.5\"]"); // the last sample: 299 * 1.5
    }

    @Test
    void samplesReachInfluxDbAndARestartNeitherLosesNorRepeats() throws Exception {
        long base = System.currentTimeMillis() - 600_000;
        String entity = "valve" + System.nanoTime();
        String key = "influx:" + entity + ":flow";
        addSamples(key, 0, 250, base);
        long first;
        try (TimeSeriesExporter e = exporter(new InfluxWriter(influx.url(), "telemetry"), 100, "influx")) {
            first = e.exportOnce();
        }
        addSamples(key, 250, 400, base);
        long second;
        try (TimeSeriesExporter e = exporter(new InfluxWriter(influx.url(), "telemetry"), 100, "influx")) {
            second = e.exportOnce();
        }
        assertThat(first + second).as("each sample exported once across the restart").isEqualTo(400);
        String body = TsdbServers.get(influx.url() + "/query?db=telemetry&epoch=ms&q="
                + q("SELECT value, entity FROM flow WHERE entity = '" + entity + "'"));
        assertThat(count(body, "\\[\\d{13},")).isEqualTo(400);
        assertThat(body).contains("[" + base + ",0,\"" + entity + "\"]", "[" + (base + 39_900) + ",598.5,\"" + entity + "\"]");
    }

    @Test
    void aTsdbThatWasDownIsCaughtUpAndARejectedBatchIsSkipped() throws Exception {
        long base = System.currentTimeMillis() - 600_000;
        String entity = "tank" + System.nanoTime();
        String key = "down:" + entity + ":level";
        addSamples(key, 0, 50, base);
        try (TimeSeriesExporter e = exporter(new InfluxWriter(influx.url(), "telemetry"), 1000, "down")) {
            influx.stop();
            assertThatThrownBy(e::exportOnce).hasMessageContaining("influxdb unavailable");
            influx.start();
            Awaitility.await("caught up").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> e.exportOnce() >= 0 && e.exported() == 50);

            try (Jedis j = new Jedis("127.0.0.1", rockhub.port())) {
                j.zadd(key, base + 10_000, (base + 10_000) + ":not-a-number"); // InfluxDB refuses NaN
            }
            assertThat(e.exportOnce()).isEqualTo(1);
            assertThat(e.rejected()).isEqualTo(1);
            addSamples(key, 101, 110, base);
            assertThat(e.exportOnce()).as("later samples still go").isEqualTo(9);
            assertThat(e.exported()).isEqualTo(59);
        }
        String body = TsdbServers.get(influx.url() + "/query?db=telemetry&epoch=ms&q="
                + q("SELECT count(value) FROM level WHERE entity = '" + entity + "'"));
        assertThat(body).contains(",59]");
    }
}
