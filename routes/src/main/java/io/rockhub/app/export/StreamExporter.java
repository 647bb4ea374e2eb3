package io.rockhub.app.export;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamInfo;

/**
 * Exports streams to Kafka exactly once. Each stream has a cursor, the id of its last exported
 * entry, kept in a compacted Kafka topic; each batch of entries and the stream's new cursor are
 * written in one Kafka transaction under a stable transactional id. On (re)start the producer's
 * {@code initTransactions} fences an earlier instance and aborts its unfinished transaction, and
 * the cursors are read back with {@code read_committed}: a crash before a commit re-exports the
 * batch, a crash after it does not, and no consumer reading committed records sees an entry twice.
 *
 * <p>Records: key = the configured entry field, or the stream name (one partition per stream keeps
 * its order); value = the fields as a JSON object (or one field's value); timestamp = the entry id's milliseconds; headers
 * {@code rockhub.stream} and {@code rockhub.id}.
 *
 * <p>In cluster mode each node runs its own exporter over the same streams, and a stream is exported
 * by the node serving its slot as a primary now (a replica, a node that moved the slot away and a
 * primary without its lease are answered -MOVED or -CLUSTERDOWN, and leave it). There each stream
 * has its own producer, transactional id {@code <transactional-id>-<stream>}, made when the node
 * gains the stream: its {@code initTransactions} fences the producer of the node that exported the
 * stream before (and aborts its unfinished batch), and the stream's cursor is read after it, so a
 * failover or a slot move exports every entry once.
 *
 * <p>A stream trimmed past its cursor (entries removed before they were exported) is stopped with
 * an error rather than skipped: the cursor also records the stream's logical position (how many
 * entries had been added up to the cursor), and if fewer entries remain after the cursor than were
 * added after it, some were lost.
 */
public final class StreamExporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamExporter.class);
    public static final String HEADER_STREAM = "rockhub.stream";
    public static final String HEADER_ID = "rockhub.id";

    /** Where a stream's export stands: its last exported id and how many entries the stream had added up to it. */
    record Cursor(String lastId, long position) {
        static final Cursor START = new Cursor("0-0", -1);

        String encode() {
            return lastId + " " + position;
        }

        static Cursor decode(String s) {
            String[] p = s.split(" ");
            return new Cursor(p[0], Long.parseLong(p[1]));
        }
    }

    /** How far behind a stream's export is, after its last batch. */
    public record Lag(long entries, long millis) {
    }

    private final ExportConfig config;
    private final io.rockhub.app.RockHubEndpoint rockhub;
    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
    private final Map<String, String> stopped = new ConcurrentHashMap<>();
    private final Map<String, Lag> lags = new ConcurrentHashMap<>();
    private final Map<String, Long> exported = new ConcurrentHashMap<>();
    private KafkaProducer<byte[], byte[]> producer;
    /** In cluster mode: the producer of each stream this node exports now. */
    private final Map<String, KafkaProducer<byte[], byte[]>> streamProducers = new HashMap<>();
    /** Whether the node is in cluster mode; null until asked. */
    private Boolean cluster;
    private Jedis redis;
    /** Test hook: called after each record is sent inside a transaction (its index in the batch). */
    private IntConsumer afterSend = i -> { };

    public StreamExporter(ExportConfig config) {
        this(config, null);
    }

    /** With {@code tls} sockets when the configured RockHub port is a TLS one. */
    public StreamExporter(ExportConfig config, javax.net.ssl.SSLSocketFactory tls) {
        this.config = config;
        this.rockhub = new io.rockhub.app.RockHubEndpoint(config.redisHost(), config.redisPort(), config.redisUser(),
                config.redisPassword(), tls);
    }

    void afterSend(IntConsumer hook) {
        this.afterSend = hook;
    }

    /** Creates the cursor topic if needed, fences earlier instances and reads the committed cursors back. */
    public synchronized void start() {
        ensureCursorTopic();
        cursors.clear();
        Boolean mode = cluster;
        if (mode == null) {
            try {
                mode = clusterMode();
            } catch (redis.clients.jedis.exceptions.JedisConnectionException down) {
                mode = false; // not known yet: as a single node, until RockHub answers (see exportOnce)
            }
        }
        if (mode) {
            LOG.info("export to {} in cluster mode: each stream from the node serving its slot, transactional ids {}-<stream>",
                    config.bootstrapServers(), config.transactionalId());
            return;
        }
        producer = newProducer(config.transactionalId());
        producer.initTransactions();
        cursors.putAll(readCursors());
        LOG.info("export to {}: transactional id {}, cursors {}", config.bootstrapServers(), config.transactionalId(),
                cursors);
    }

    /** After any Kafka failure: new producers (fencing and resolving the old transactions) and the cursors re-read. */
    public synchronized void recover() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
        for (String stream : List.copyOf(streamProducers.keySet())) {
            leave(stream, Duration.ZERO);
        }
        start();
    }

    /** Whether the node runs in cluster mode (CLUSTER INFO answers), asked once. */
    private boolean clusterMode() {
        if (cluster == null) {
            if (redis == null) {
                redis = rockhub.connect();
            }
            try {
                redis.clusterInfo();
                cluster = true;
            } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("NOPERM")) {
                    LOG.warn("the export user may not run CLUSTER INFO ({}): exporting as from a single node; "
                            + "grant +cluster|info for cluster mode", e.getMessage());
                }
                cluster = false; // "This instance has cluster support disabled"
            }
        }
        return cluster;
    }

    /** This node no longer exports {@code stream} (cluster mode): its producer and cursor go. */
    private void leave(String stream, Duration wait) {
        KafkaProducer<byte[], byte[]> p = streamProducers.remove(stream);
        if (p != null) {
            p.close(wait);
            LOG.info("stream {} is exported from another node now", stream);
        }
        cursors.remove(stream);
    }

    /**
     * Cluster mode: the producer of a stream this node serves, made (fencing the previous exporter of
     * the stream) with the stream's cursor read after the fencing; null when another node serves it.
     */
    private KafkaProducer<byte[], byte[]> producerFor(String stream) {
        try {
            redis.exists(stream); // -MOVED or -CLUSTERDOWN unless this node serves the stream's slot now
        } catch (redis.clients.jedis.exceptions.JedisRedirectionException
                 | redis.clients.jedis.exceptions.JedisClusterException elsewhere) {
            leave(stream, Duration.ZERO);
            return null;
        }
        KafkaProducer<byte[], byte[]> p = streamProducers.get(stream);
        if (p == null) {
            p = newProducer(config.transactionalId() + "-" + stream);
            p.initTransactions();
            streamProducers.put(stream, p);
            cursors.put(stream, readCursors().getOrDefault(stream, Cursor.START));
            LOG.info("exporting stream {} from this node: cursor {}", stream, cursors.get(stream));
        }
        return p;
    }

    public Map<String, String> stoppedStreams() {
        return Map.copyOf(stopped);
    }

    public Map<String, Lag> lags() {
        return Map.copyOf(lags);
    }

    public long exported(String stream) {
        return exported.getOrDefault(stream, 0L);
    }

    public ExportConfig config() {
        return config;
    }

    /** One batch of each stream that has new entries; returns how many entries were exported. */
    public synchronized int exportAll() {
        int total = 0;
        for (String s : config.streams()) {
            if (!stopped.containsKey(s)) {
                total += exportOnce(s);
            }
        }
        return total;
    }

    /** One batch of one stream, in one transaction with its new cursor. */
    synchronized int exportOnce(String stream) {
        if (redis == null) {
            redis = rockhub.connect();
        }
        KafkaProducer<byte[], byte[]> producer = this.producer;
        if (clusterMode()) {
            if (this.producer != null) {
                // Started while RockHub was away, as for a single node: now it says cluster mode.
                this.producer.close(Duration.ZERO);
                this.producer = null;
                cursors.clear();
            }
            producer = producerFor(stream);
            if (producer == null) {
                return 0;
            }
        }
        Cursor cursor = cursors.getOrDefault(stream, Cursor.START);
        Snapshot snap;
        try {
            snap = read(stream, cursor);
        } catch (redis.clients.jedis.exceptions.JedisDataException movedMeanwhile) {
            if (!clusterMode()) {
                throw movedMeanwhile;
            }
            leave(stream, Duration.ZERO); // the slot moved between the check and the read
            return 0;
        }
        if (snap == null) {
            return 0;
        }
        long position = cursor.position() < 0 ? snap.entriesAdded - snap.length : cursor.position();
        if (!cursor.lastId().equals("0-0") && compare(snap.firstId, cursor.lastId()) > 0
                && snap.entriesAdded - position > snap.length) {
            String error = String.format("stream %s was trimmed past its export cursor %s: %d entries added after it "
                    + "were removed before they were exported (first entry now %s); export of this stream stopped",
                    stream, cursor.lastId(), snap.entriesAdded - position - snap.length, snap.firstId);
            stopped.put(stream, error);
            LOG.error(error);
            return 0;
        }
        if (snap.entries.isEmpty()) {
            lags.put(stream, new Lag(0, 0));
            return 0;
        }
        String topic = config.topicFor(stream);
        producer.beginTransaction();
        int i = 0;
        for (StreamEntry e : snap.entries) {
            producer.send(record(stream, topic, e));
            afterSend.accept(i++);
        }
        String lastId = snap.entries.get(snap.entries.size() - 1).getID().toString();
        boolean caughtUp = snap.entries.size() < config.batchSize();
        // Caught up, the stream's own counter says exactly how many entries precede the cursor; while
        // behind, count forward from the last anchor.
        Cursor next = new Cursor(lastId, caughtUp ? snap.entriesAdded : position + snap.entries.size());
        producer.send(new ProducerRecord<>(config.cursorTopic(), bytes(stream), bytes(next.encode())));
        try {
            producer.commitTransaction();
        } catch (org.apache.kafka.common.errors.ProducerFencedException
                 | org.apache.kafka.common.errors.InvalidProducerEpochException fenced) {
            if (!clusterMode()) {
                throw fenced;
            }
            // The node now serving the stream fenced this batch: its exporter goes on from the cursor.
            leave(stream, Duration.ZERO);
            return 0;
        }
        cursors.put(stream, next);
        exported.merge(stream, (long) snap.entries.size(), Long::sum);
        long behind = Math.max(0, snap.entriesAdded - next.position());
        lags.put(stream, new Lag(behind, behind == 0 ? 0
                : Math.max(0, System.currentTimeMillis() - snap.entries.get(snap.entries.size() - 1).getID().getTime())));
        return snap.entries.size();
    }

    private record Snapshot(long entriesAdded, long length, String firstId, List<StreamEntry> entries) {
    }

    /** XINFO STREAM and the next entries in one MULTI/EXEC, so the counters and the entries agree. */
    private Snapshot read(String stream, Cursor cursor) {
        if (redis == null) {
            redis = rockhub.connect();
        }
        try {
            if (!redis.exists(stream)) {
                return null;
            }
            Transaction t = redis.multi();
            Response<StreamInfo> info = t.xinfoStream(stream);
            Response<List<StreamEntry>> entries = t.xrange(stream, "(" + cursor.lastId(), "+", config.batchSize());
            t.exec();
            StreamInfo si = info.get();
            Object added = si.getStreamInfo().get("entries-added");
            StreamEntry first = si.getFirstEntry();
            return new Snapshot(added == null ? si.getLength() : ((Number) added).longValue(), si.getLength(),
                    first == null ? si.getLastGeneratedId().toString() : first.getID().toString(), entries.get());
        } catch (RuntimeException e) {
            redis.close();
            redis = null;
            throw e;
        }
    }

    private ProducerRecord<byte[], byte[]> record(String stream, String topic, StreamEntry e) {
        String key = config.keyField() == null ? stream : e.getFields().getOrDefault(config.keyField(), stream);
        String value = config.valueField() == null ? Json.object(e.getFields())
                : e.getFields().getOrDefault(config.valueField(), "");
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, e.getID().getTime(), bytes(key),
                bytes(value));
        r.headers().add(new RecordHeader(HEADER_STREAM, bytes(stream)));
        r.headers().add(new RecordHeader(HEADER_ID, bytes(e.getID().toString())));
        return r;
    }

    static int compare(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compareUnsigned(Long.parseUnsignedLong(x[0]), Long.parseUnsignedLong(y[0]));
        return c != 0 ? c : Long.compareUnsigned(Long.parseUnsignedLong(x[1]), Long.parseUnsignedLong(y[1]));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private KafkaProducer<byte[], byte[]> newProducer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }

    private void ensureCursorTopic() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(config.cursorTopic(), 1, (short) -1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
            LOG.info("created cursor topic {}", config.cursorTopic());
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create cursor topic " + config.cursorTopic(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The last committed cursor of every stream, from the cursor topic read to its end with read_committed. */
    private Map<String, Cursor> readCursors() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, Cursor> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(config.cursorTopic(), Duration.ofSeconds(30))
                    .forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read the cursor topic " + config.cursorTopic() + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.put(new String(r.key(), StandardCharsets.UTF_8),
                            Cursor.decode(new String(r.value(), StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        for (String stream : List.copyOf(streamProducers.keySet())) {
            leave(stream, Duration.ofSeconds(5));
        }
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    /** Closes without committing or aborting, as a crash would leave things (tests). */
    synchronized void abandon() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
        for (String stream : List.copyOf(streamProducers.keySet())) {
            leave(stream, Duration.ZERO);
        }
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
