package io.rockhub.app.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.app.kafka.EmbeddedKafka;
import io.rockhub.app.kafka.Topics;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/** Streams to a real Kafka broker (in-process, KRaft) exactly once, across crashes of every party. */
class StreamExportTest {
    private static Path kafkaDir;
    private static EmbeddedKafka kafka;
    private static TestServer rockhub;

    @BeforeAll
    static void start() throws Exception {
        kafkaDir = Files.createTempDirectory("kafka");
        kafka = EmbeddedKafka.start(kafkaDir);
        rockhub = TestServer.start();
    }

    @AfterAll
    static void stop() {
        rockhub.close();
        kafka.close();
        TestServer.deleteTree(kafkaDir);
    }

    private static ExportConfig config(String stream, int port, String keyField) {
        Properties p = new Properties();
        p.setProperty("rockhub.export.kafka.bootstrap-servers", kafka.bootstrapServers());
        p.setProperty("rockhub.export.streams", stream);
        p.setProperty("rockhub.export.batch-size", "100");
        p.setProperty("rockhub.export.transactional-id", "export-" + stream);
        p.setProperty("rockhub.export.cursor-topic", "cursors-" + stream.replace(':', '-'));
        p.setProperty("rockhub.export.topic-template", "rockhub.{stream}");
        p.setProperty("rockhub.export.redis.port", Integer.toString(port));
        if (keyField != null) {
            p.setProperty("rockhub.export.key-field", keyField);
        }
        return ExportConfig.from(p);
    }

    private static List<String> addEntries(int port, String stream, int from, int to) {
        List<String> ids = new ArrayList<>();
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            for (int i = from; i < to; i++) {
                ids.add(j.xadd(stream, XAddParams.xAddParams(), Map.of("n", Integer.toString(i), "account",
                        "acct-" + (i % 7))).toString());
            }
        }
        return ids;
    }

    /** Exports until {@code n} entries went out; any failure fails the test (there is no fault here). */
    private static void drain(StreamExporter exporter, String stream, long n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (exporter.exported(stream) < n) {
            assertThat(System.nanoTime()).as("export finished in time").isLessThan(deadline);
            assertThat(exporter.stoppedStreams()).as("stopped streams").isEmpty();
            exporter.exportAll();
        }
    }

    /**
     * Exports until {@code n} entries went out while a party (the broker, RockHub) goes away and comes
     * back, recovering after each failure as the route does. Returns how many attempts failed.
     */
    private static int drainThroughFailures(StreamExporter exporter, String stream, long n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int failures = 0;
        while (exporter.exported(stream) < n) {
            assertThat(System.nanoTime()).as("export finished in time").isLessThan(deadline);
            assertThat(exporter.stoppedStreams()).as("stopped streams").isEmpty();
            try {
                exporter.exportAll();
            } catch (RuntimeException failure) {
                failures++;
                Wait.until(Duration.ofSeconds(60), "the exporter to recover (" + failure + ")", () -> {
                    try {
                        exporter.recover();
                        return true;
                    } catch (RuntimeException stillDown) {
                        return false;
                    }
                });
            }
        }
        return failures;
    }

    static List<ConsumerRecord<String, String>> committed(String topic, int expected) {
        return Topics.committed(kafka, topic, expected);
    }

    @Test
    void everyEntryAppearsOnceInOrderWithKeyTimestampAndHeaders() throws Exception {
        String stream = "orders-" + System.nanoTime();
        List<String> added = addEntries(rockhub.port(), stream, 0, 1000);
        try (StreamExporter exporter = new StreamExporter(config(stream, rockhub.port(), null))) {
            exporter.start();
            drain(exporter, stream, 1000);
            assertThat(exporter.lags().get(stream)).isEqualTo(new StreamExporter.Lag(0, 0));
        }
        List<ConsumerRecord<String, String>> records = committed("rockhub." + stream, added.size());
        assertThat(Topics.ids(records)).containsExactlyElementsOf(added);
        ConsumerRecord<String, String> first = records.get(0);
        assertThat(first.key()).isEqualTo(stream);
        assertThat(first.timestamp()).isEqualTo(new StreamEntryID(added.get(0)).getTime());
        // The fields as a JSON object (their order is the client's map order).
        assertThat(first.value()).startsWith("{").endsWith("}").contains("\"n\":\"0\"", "\"account\":\"acct-0\"");
        assertThat(new String(first.headers().lastHeader(StreamExporter.HEADER_STREAM).value(), StandardCharsets.UTF_8))
                .isEqualTo(stream);
    }

    @Test
    void aKeyFieldKeysTheRecords() throws Exception {
        String stream = "payments-" + System.nanoTime();
        addEntries(rockhub.port(), stream, 0, 20);
        try (StreamExporter exporter = new StreamExporter(config(stream, rockhub.port(), "account"))) {
            exporter.start();
            drain(exporter, stream, 20);
        }
        assertThat(committed("rockhub." + stream, 20)).extracting(ConsumerRecord::key).startsWith("acct-0", "acct-1");
    }

    @Test
    void theExporterWorksAsTheReadyMadeLeastPrivilegeUser() throws Exception {
        String stream = "audit-" + System.nanoTime();
        addEntries(rockhub.port(), stream, 0, 20);
        // The README's exporter user: it reads the exported streams and nothing else.
        try (io.rockhub.resp.testing.RawClient admin = new io.rockhub.resp.testing.RawClient(rockhub.port())) {
            assertThat(admin.call("ACL", "SETUSER", "exporter", "reset", "on", ">e-pw", "+exists", "+multi", "+exec",
                    "+xinfo|stream", "+xrange", "+client|setinfo", "+cluster|info", "%R~audit-*")).isEqualTo("+OK\r\n");
            admin.call("ACL", "LOG", "RESET");
            ExportConfig base = config(stream, rockhub.port(), null);
            Properties p = new Properties();
            p.setProperty("rockhub.export.kafka.bootstrap-servers", kafka.bootstrapServers());
            p.setProperty("rockhub.export.streams", stream);
            p.setProperty("rockhub.export.transactional-id", base.transactionalId());
            p.setProperty("rockhub.export.cursor-topic", base.cursorTopic());
            p.setProperty("rockhub.export.redis.port", Integer.toString(rockhub.port()));
            p.setProperty("rockhub.export.redis.user", "exporter");
            p.setProperty("rockhub.export.redis.password", "e-pw");
            try (StreamExporter exporter = new StreamExporter(ExportConfig.from(p))) {
                exporter.start();
                drain(exporter, stream, 20);
            }
            assertThat(committed("rockhub." + stream, 20)).hasSize(20);
            assertThat(admin.call("ACL", "LOG")).as("nothing the exporter did was refused").isEqualTo("*0\r\n");
        }
    }

    @Test
    void aStreamCanHaveItsOwnTopicAndOneFieldAsTheValue() throws Exception {
        String stream = "audit-" + System.nanoTime();
        addEntries(rockhub.port(), stream, 0, 5);
        Properties p = new Properties();
        p.setProperty("rockhub.export.kafka.bootstrap-servers", kafka.bootstrapServers());
        p.setProperty("rockhub.export.streams", stream);
        p.setProperty("rockhub.export.topic." + stream, "audit-log");
        p.setProperty("rockhub.export.value-format", "field:n");
        p.setProperty("rockhub.export.transactional-id", "export-" + stream);
        p.setProperty("rockhub.export.cursor-topic", "cursors-" + stream);
        p.setProperty("rockhub.export.redis.port", Integer.toString(rockhub.port()));
        try (StreamExporter exporter = new StreamExporter(ExportConfig.from(p))) {
            exporter.start();
            drain(exporter, stream, 5);
        }
        assertThat(committed("audit-log", 5)).extracting(ConsumerRecord::value).containsExactly("0", "1", "2", "3", "4");
    }

    @Test
    void anExporterKilledMidBatchIsReplacedWithoutDuplicatesOrGaps() throws Exception {
        String stream = "killed-" + System.nanoTime();
        List<String> added = addEntries(rockhub.port(), stream, 0, 500);
        StreamExporter doomed = new StreamExporter(config(stream, rockhub.port(), null));
        doomed.start();
        doomed.exportAll(); // one committed batch of 100
        doomed.afterSend(i -> {
            if (i == 50) {
                throw new IllegalStateException("killed in the middle of a batch");
            }
        });
        assertThatThrownBy(doomed::exportAll).hasMessageContaining("killed");
        doomed.abandon(); // its open transaction is left as a crash leaves it
        try (StreamExporter successor = new StreamExporter(config(stream, rockhub.port(), null))) {
            successor.start();
            drain(successor, stream, 400);
        }
        List<String> ids = Topics.ids(committed("rockhub." + stream, added.size()));
        assertThat(ids).containsExactlyElementsOf(added);
    }

    @Test
    void aBrokerRestartDuringExportLosesAndDuplicatesNothing() throws Exception {
        String stream = "broker-" + System.nanoTime();
        List<String> added = addEntries(rockhub.port(), stream, 0, 600);
        try (StreamExporter exporter = new StreamExporter(config(stream, rockhub.port(), null))) {
            exporter.start();
            exporter.exportAll();
            exporter.exportAll();
            kafka.restart();
            drainThroughFailures(exporter, stream, 600);
        }
        assertThat(Topics.ids(committed("rockhub." + stream, added.size()))).containsExactlyElementsOf(added);
    }

    @Test
    void aBrokerRestartInTheMiddleOfATransactionLosesAndDuplicatesNothing() throws Exception {
        String stream = "mid-txn-" + System.nanoTime();
        List<String> added = addEntries(rockhub.port(), stream, 0, 400);
        AtomicBoolean restarted = new AtomicBoolean();
        try (StreamExporter exporter = new StreamExporter(config(stream, rockhub.port(), null))) {
            exporter.start();
            exporter.exportAll(); // one committed batch of 100
            exporter.afterSend(i -> {
                if (i == 50 && restarted.compareAndSet(false, true)) {
                    // Half of the batch sent, the transaction open and not committed: the broker goes down and up.
                    try {
                        kafka.restart();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            drainThroughFailures(exporter, stream, 400);
        }
        assertThat(restarted).as("the broker restarted inside a transaction").isTrue();
        assertThat(Topics.ids(committed("rockhub." + stream, added.size()))).containsExactlyElementsOf(added);
    }

    @Test
    void aStreamThatStopsLeavesTheOtherStreamsExportingAndTheMetricsSaySo() throws Exception {
        String bad = "stops-" + System.nanoTime();
        String good = "goes-on-" + System.nanoTime();
        addEntries(rockhub.port(), bad, 0, 10);
        addEntries(rockhub.port(), good, 0, 10);
        Properties p = new Properties();
        p.setProperty("rockhub.export.kafka.bootstrap-servers", kafka.bootstrapServers());
        p.setProperty("rockhub.export.streams", bad + "," + good);
        p.setProperty("rockhub.export.transactional-id", "export-" + good);
        p.setProperty("rockhub.export.cursor-topic", "cursors-" + good);
        p.setProperty("rockhub.export.topic-template", "rockhub.{stream}");
        p.setProperty("rockhub.export.redis.port", Integer.toString(rockhub.port()));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (StreamExporter exporter = new StreamExporter(ExportConfig.from(p))) {
            new ExportRoute(exporter, registry);
            exporter.start();
            drain(exporter, bad, 10);
            drain(exporter, good, 10);
            addEntries(rockhub.port(), bad, 10, 30);
            try (Jedis j = new Jedis("127.0.0.1", rockhub.port())) {
                j.xtrim(bad, 5, false);
            }
            exporter.exportAll();
            assertThat(exporter.stoppedStreams()).containsOnlyKeys(bad);
            List<String> later = addEntries(rockhub.port(), good, 10, 40);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (exporter.exported(good) < 40) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                exporter.exportAll();
            }
            assertThat(Topics.ids(committed("rockhub." + good, 40)).subList(10, 40)).containsExactlyElementsOf(later);
            String scrape = registry.scrape();
            assertThat(scrape).contains("rockhub_export_stopped{stream=\"" + bad + "\"} 1.0",
                    "rockhub_export_stopped{stream=\"" + good + "\"} 0.0",
                    "rockhub_export_exported_total{stream=\"" + good + "\"} 40.0",
                    "rockhub_export_exported_total{stream=\"" + bad + "\"} 10.0",
                    "rockhub_export_lag_entries{stream=\"" + good + "\"} 0.0");
        }
        assertThat(committed("rockhub." + bad, 10)).hasSize(10);
    }

    @Test
    void aRockHubRestartDuringExportLosesAndDuplicatesNothing() throws Exception {
        Path dir = Files.createTempDirectory("rockhub-export");
        int port = RealRedis.freePort();
        String stream = "restart-" + System.nanoTime();
        List<String> added = new ArrayList<>();
        try {
            try (TestServer server = TestServer.startIn(dir, Map.of("port", Integer.toString(port)))) {
                added.addAll(addEntries(port, stream, 0, 300));
            }
            try (StreamExporter exporter = new StreamExporter(config(stream, port, null))) {
                exporter.start();
                try (TestServer server = TestServer.startIn(dir, Map.of("port", Integer.toString(port)))) {
                    exporter.exportAll();
                }
                assertThatThrownBy(exporter::exportAll).as("RockHub is down").isInstanceOf(RuntimeException.class);
                try (TestServer server = TestServer.startIn(dir, Map.of("port", Integer.toString(port)))) {
                    added.addAll(addEntries(port, stream, 300, 400));
                    drainThroughFailures(exporter, stream, 400);
                }
            }
            assertThat(Topics.ids(committed("rockhub." + stream, added.size()))).containsExactlyElementsOf(added);
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void aStreamTrimmedPastItsCursorStopsWithAClearError() throws Exception {
        String stream = "trimmed-" + System.nanoTime();
        addEntries(rockhub.port(), stream, 0, 50);
        try (StreamExporter exporter = new StreamExporter(config(stream, rockhub.port(), null))) {
            exporter.start();
            drain(exporter, stream, 50);
            addEntries(rockhub.port(), stream, 50, 80);
            try (Jedis j = new Jedis("127.0.0.1", rockhub.port())) {
                j.xtrim(stream, 5, false); // 25 entries nobody exported are gone
            }
            assertThat(exporter.exportAll()).isZero();
            assertThat(exporter.stoppedStreams()).containsKey(stream);
            assertThat(exporter.stoppedStreams().get(stream))
                    .contains("trimmed past its export cursor", "25 entries added after it were removed");
        }
        assertThat(committed("rockhub." + stream, 50)).hasSize(50);
    }

    @Test
    void trimmingWhatWasAlreadyExportedIsFine() throws Exception {
        String stream = "housekeeping-" + System.nanoTime();
        addEntries(rockhub.port(), stream, 0, 50);
        try (StreamExporter exporter = new StreamExporter(config(stream, rockhub.port(), null))) {
            exporter.start();
            drain(exporter, stream, 50);
            try (Jedis j = new Jedis("127.0.0.1", rockhub.port())) {
                j.xtrim(stream, 0, false);
            }
            addEntries(rockhub.port(), stream, 50, 70);
            drain(exporter, stream, 70);
            assertThat(exporter.stoppedStreams()).isEmpty();
        }
        assertThat(committed("rockhub." + stream, 70).stream().map(ConsumerRecord::value).collect(Collectors.toList()))
                .hasSize(70);
    }
}
