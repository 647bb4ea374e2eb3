package io.rockhub.app.kafka;

import io.rockhub.app.export.StreamExporter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What a downstream team's read_committed consumer sees in a topic. */
public final class Topics {
    private Topics() {
    }

    /** Every committed record of a topic, read from the beginning to its end. */
    public static List<ConsumerRecord<String, String>> committed(EmbeddedKafka broker, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(pi -> new TopicPartition(topic, pi.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * The committed records once at least {@code expected} are visible: commit markers reach the
     * partitions a moment after commitTransaction returns, so a read right after it may not see them.
     * Reads again after that, so extra (duplicate) records would show too.
     */
    public static List<ConsumerRecord<String, String>> committed(EmbeddedKafka broker, String topic, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ConsumerRecord<String, String>> seen = committed(broker, topic);
        while (seen.size() < expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            seen = committed(broker, topic);
        }
        return seen;
    }

    /** The stream entry ids the records carry, in topic order. */
    public static List<String> ids(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> new String(r.headers().lastHeader(StreamExporter.HEADER_ID).value(),
                StandardCharsets.UTF_8)).toList();
    }

    public static long committedCount(EmbeddedKafka broker, String topic) {
        try {
            return committed(broker, topic).size();
        } catch (RuntimeException notYet) {
            return 0;
        }
    }
}
