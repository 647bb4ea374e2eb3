package io.rockhub.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test broker itself: transactions commit, read_committed sees them, and it survives a restart. */
class EmbeddedKafkaTest {
    @Test
    void transactionsCommitAndSurviveARestart(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            Map<String, Object> pc = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "probe", ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            try (KafkaProducer<String, String> p = new KafkaProducer<>(pc)) {
                p.initTransactions();
                p.beginTransaction();
                p.send(new ProducerRecord<>("t", "k", "committed"));
                p.commitTransaction();
                p.beginTransaction();
                p.send(new ProducerRecord<>("t", "k", "aborted"));
                p.flush();
                p.abortTransaction();
            }
            kafka.restart();
            Map<String, Object> cc = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "probe", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(cc)) {
                c.subscribe(List.of("t"));
                java.util.List<String> seen = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen.isEmpty() && System.nanoTime() < deadline) {
                    ConsumerRecords<String, String> r = c.poll(Duration.ofMillis(200));
                    r.forEach(x -> seen.add(x.value()));
                }
                assertThat(seen).containsExactly("committed");
            }
        }
    }
}
