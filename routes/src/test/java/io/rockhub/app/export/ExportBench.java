package io.rockhub.app.export;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rockhub.app.kafka.EmbeddedKafka;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/**
 * The export benchmark ({@code bench/export}): a real Kafka broker in this JVM, the export route
 * reading from RockHub (durable) and, in the same run, from Debian's Redis; an XADD producer at an
 * offered rate; a read_committed consumer timing each entry from its XADD reply to its arrival in
 * Kafka. Also the most the export sustains behind one pipelined XADD client. Prints Markdown rows.
 */
public final class ExportBench {
    private ExportBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(System.getProperty("seconds", "20"));
        Path kafkaDir = Files.createTempDirectory("bench-kafka");
        List<String> rows = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir); TestServer rockhub = TestServer.start(
                Map.of("rocksdb.block_cache_size", "256", "rocksdb.write_buffer_size", "64"));
             RealRedis redis = RealRedis.start("--appendonly", "yes", "--appendfsync", "always")) {
            for (String source : List.of("rockhub", "redis")) {
                int port = source.equals("rockhub") ? rockhub.port() : redis.port();
                for (int rate : new int[] {1_000, 10_000}) {
                    rows.add(run(kafka, source, port, rate, seconds));
                }
                rows.add(run(kafka, source, port, 0, seconds));
            }
        } finally {
            TestServer.deleteTree(kafkaDir);
        }
        System.out.println("| source | offered XADD/s | achieved XADD/s | exported/s | p50 ms | p99 ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    /** One run; {@code rate} 0 means as fast as one client with a pipeline of 16. */
    private static String run(EmbeddedKafka kafka, String source, int port, int rate, int seconds) throws Exception {
        String stream = "bench-" + source + "-" + rate + "-" + System.nanoTime();
        Properties p = new Properties();
        p.setProperty("rockhub.export.kafka.bootstrap-servers", kafka.bootstrapServers());
        p.setProperty("rockhub.export.streams", stream);
        p.setProperty("rockhub.export.batch-size", "1000");
        p.setProperty("rockhub.export.poll-timeout-ms", "5");
        p.setProperty("rockhub.export.transactional-id", "bench-" + stream);
        p.setProperty("rockhub.export.redis.port", Integer.toString(port));
        ExportConfig config = ExportConfig.from(p);
        Map<String, Long> ackedAt = new ConcurrentHashMap<>();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean consuming = new AtomicBoolean(true);
        AtomicBoolean assigned = new AtomicBoolean();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(config.topicFor(stream), 1,
                    (short) 1))).all().get();
        }
        Thread consumer = new Thread(() -> consume(kafka, config.topicFor(stream), ackedAt, latencies, consuming,
                assigned));
        try (StreamExporter exporter = new StreamExporter(config); CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new ExportRoute(exporter, new SimpleMeterRegistry()));
            camel.start();
            consumer.start();
            // Timing starts once the consumer is in place and the exporter has fenced and read its cursors.
            long ready = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!assigned.get() && System.nanoTime() < ready) {
                Thread.sleep(20);
            }
            Thread.sleep(1_000);
            long added = 0;
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(seconds).toNanos();
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                while (System.nanoTime() < end) {
                    // Offered load arrives in bursts of one millisecond's worth, pipelined, as many producers would.
                    int burst = rate == 0 ? 16 : Math.max(1, rate / 1000);
                    Pipeline pl = j.pipelined();
                    List<Response<StreamEntryID>> ids = new ArrayList<>(burst);
                    for (int i = 0; i < burst; i++) {
                        ids.add(pl.xadd(stream, XAddParams.xAddParams(), Map.of("n", Long.toString(added + i),
                                "payload", "x".repeat(100))));
                    }
                    pl.sync();
                    long now = System.nanoTime();
                    for (Response<StreamEntryID> id : ids) {
                        ackedAt.put(id.get().toString(), now);
                    }
                    added += burst;
                    if (rate > 0) {
                        long due = start + added * 1_000_000_000L / rate;
                        while (System.nanoTime() < due) {
                            Thread.onSpinWait();
                        }
                    }
                }
            }
            double xaddSeconds = (System.nanoTime() - start) / 1e9;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (latencies.size() < added && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            double exportSeconds = (System.nanoTime() - start) / 1e9;
            consuming.set(false);
            consumer.join(10_000);
            List<Long> sorted = new ArrayList<>(latencies);
            sorted.sort(Long::compare);
            double p50 = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2) / 1e6;
            double p99 = sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))) / 1e6;
            return String.format("| %s | %s | %.0f | %.0f | %.1f | %.1f |", source, rate == 0 ? "max (P16)" : rate,
                    added / xaddSeconds, sorted.size() / exportSeconds, p50, p99);
        }
    }

    private static void consume(EmbeddedKafka kafka, String topic, Map<String, Long> ackedAt, List<Long> latencies,
                                AtomicBoolean running, AtomicBoolean assigned) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            while (running.get()) {
                var records = c.poll(Duration.ofMillis(20));
                if (!c.assignment().isEmpty()) {
                    assigned.set(true);
                }
                for (ConsumerRecord<String, String> r : records) {
                    long now = System.nanoTime();
                    String id = new String(r.headers().lastHeader(StreamExporter.HEADER_ID).value(),
                            StandardCharsets.UTF_8);
                    Long acked = ackedAt.get(id);
                    latencies.add(acked == null ? 0 : Math.max(0, now - acked));
                }
            }
        }
    }
}
