package io.rockhub.app.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.app.kafka.EmbeddedKafka;
import io.rockhub.app.kafka.Topics;
import io.rockhub.core.encoding.HashSlot;
import io.rockhub.resp.testing.ClusterNodes;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.params.XAddParams;

/**
 * In cluster mode every node runs an exporter over the same streams, and each stream is exported by
 * the node serving its slot: while a writer adds entries, the stream's slot moves from one node to
 * the other, the second node's exporter takes over (fencing the first's producer, reading the
 * committed cursor), and Kafka holds every acknowledged entry exactly once, in order.
 */
class ClusterExportTest {
    @Test
    void aStreamIsExportedOnceFromWhicheverNodeServesItAcrossASlotMove() throws Exception {
        Path kafkaDir = Files.createTempDirectory("kafka");
        Map<String, String> cluster = Map.of("cluster-enabled", "yes");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir);
             TestServer a = TestServer.start(cluster); TestServer b = TestServer.start(cluster)) {
            String stream = streamInFirstHalf();
            push(a, b, 1, false);
            ExportConfig configA = config(kafka, stream, a.port());
            ExportConfig configB = config(kafka, stream, b.port());
            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            Thread writer = new Thread(() -> {
                try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", a.port())))) {
                    for (int i = 0; !stop.get(); i++) {
                        acknowledged.add(jc.xadd(stream, XAddParams.xAddParams(), Map.of("n", Integer.toString(i))).toString());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            try (StreamExporter exA = new StreamExporter(configA); StreamExporter exB = new StreamExporter(configB)) {
                exA.start();
                exB.start();
                AtomicBoolean exporting = new AtomicBoolean(true);
                List<Thread> loops = List.of(exportLoop(exA, exporting, failures), exportLoop(exB, exporting, failures));
                writer.start();
                Wait.until(Duration.ofSeconds(60), "entries exported from the first node", () -> exA.exported(stream) > 300);
                assertThat(exB.exported(stream)).isZero(); // it does not serve the stream

                // The stream's slot moves to the second node, as the controller moves it.
                try (RawClient ca = new RawClient(a.port())) {
                    assertThat(ca.call("CLUSTERX", "MIGRATE", "0-8191", "127.0.0.1", Integer.toString(b.port())))
                            .isEqualTo("+OK\r\n");
                    ClusterNodes.awaitMigration(a.port(), "ready", Duration.ofSeconds(30));
                    push(a, b, 2, true);
                    ClusterNodes.awaitMigration(a.port(), "done", Duration.ofSeconds(30));
                }
                Wait.until(Duration.ofSeconds(60), "entries exported from the second node", () -> exB.exported(stream) > 300);
                stop.set(true);
                writer.join();
                int total = acknowledged.size();
                Wait.until(Duration.ofSeconds(60), "every entry exported",
                        () -> exA.exported(stream) + exB.exported(stream) >= total);
                exporting.set(false);
                for (Thread t : loops) {
                    t.join();
                }
                assertThat(failures).isEmpty();
                List<String> ids = Topics.ids(Topics.committed(kafka, "rockhub." + stream, total));
                assertThat(ids).as("every acknowledged entry once, in order").isEqualTo(acknowledged);
                System.out.printf("exported %d entries: %d from the first node, %d from the second%n", total,
                        exA.exported(stream), exB.exported(stream));
            }
        } finally {
            TestServer.deleteTree(kafkaDir);
        }
    }

    /** Exports as the route does: again and again, a failure followed by a recovery. */
    private static Thread exportLoop(StreamExporter exporter, AtomicBoolean running, List<Throwable> failures) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                try {
                    if (exporter.exportAll() == 0) {
                        Thread.sleep(5);
                    }
                } catch (RuntimeException e) {
                    try {
                        exporter.recover();
                    } catch (RuntimeException stillFailing) {
                        failures.add(stillFailing);
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        t.start();
        return t;
    }

    private static String streamInFirstHalf() {
        for (int i = 0; ; i++) {
            String name = "orders-" + i;
            if (HashSlot.of(name.getBytes(StandardCharsets.UTF_8)) < 8192) {
                return name;
            }
        }
    }

    private static ExportConfig config(EmbeddedKafka kafka, String stream, int port) {
        Properties p = new Properties();
        p.setProperty("rockhub.export.kafka.bootstrap-servers", kafka.bootstrapServers());
        p.setProperty("rockhub.export.streams", stream);
        p.setProperty("rockhub.export.batch-size", "50");
        p.setProperty("rockhub.export.transactional-id", "cluster-export");
        p.setProperty("rockhub.export.cursor-topic", "cluster-cursors");
        p.setProperty("rockhub.export.topic-template", "rockhub.{stream}");
        p.setProperty("rockhub.export.redis.port", Integer.toString(port));
        return ExportConfig.from(p);
    }

    private static void push(TestServer a, TestServer b, long epoch, boolean moved) throws Exception {
        String topology = ClusterNodes.id(a.port()) + " 127.0.0.1 " + a.port() + " master - "
                + (moved ? "8192-16383" : "0-8191") + "\n" + ClusterNodes.id(b.port()) + " 127.0.0.1 " + b.port()
                + " master - " + (moved ? "0-8191" : "8192-16383");
        if (moved) {
            ClusterNodes.setNodes(topology, epoch, b.port(), a.port());
        } else {
            ClusterNodes.setNodes(topology, epoch, a.port(), b.port());
        }
    }
}
