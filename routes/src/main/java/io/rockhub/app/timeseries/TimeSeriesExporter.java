package io.rockhub.app.timeseries;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Drains time-series buffers (sorted sets, score = timestamp in ms, member "ts:value") into one
 * TSDB. Each key has a watermark, the newest timestamp the TSDB accepted, kept in RockHub itself
 * (hash {@code rockhub:tsdb-watermark:<target>}, field = key) and advanced only after the TSDB
 * accepted the write, so a restart neither loses nor repeats samples. A rejected write (4xx: out of
 * order, too old, bad data) is counted, logged and skipped; a failed one (5xx, no connection) is
 * retried by the caller, with back-off.
 */
public final class TimeSeriesExporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimeSeriesExporter.class);

    private final TsdbWriter writer;
    private final SeriesTemplate template;
    private final io.rockhub.app.RockHubEndpoint rockhub;
    private final int batchSize;
    private final String watermarks;
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile long lagMillis;
    private Jedis redis;

    public TimeSeriesExporter(TsdbWriter writer, SeriesTemplate template, String host, int port, String password,
                              int batchSize) {
        this(writer, template, new io.rockhub.app.RockHubEndpoint(host, port, null, password, null), batchSize);
    }

    public TimeSeriesExporter(TsdbWriter writer, SeriesTemplate template, io.rockhub.app.RockHubEndpoint rockhub,
                              int batchSize) {
        this.writer = writer;
        this.template = template;
        this.rockhub = rockhub;
        this.batchSize = batchSize;
        this.watermarks = "rockhub:tsdb-watermark:" + writer.name();
    }

    public String target() {
        return writer.name();
    }

    public long exported() {
        return exported.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** How far behind the oldest unexported sample was at the last pass, in ms (0 when caught up). */
    public long lagMillis() {
        return lagMillis;
    }

    /**
     * One pass over every matching key: their new samples, in batches of at most {@code batchSize}
     * per key, one TSDB write per batch round. Returns how many samples were exported. Throws when
     * the TSDB asks for a retry (nothing was advanced for that round).
     */
    public synchronized int exportOnce() {
        Jedis j = connection();
        int total = 0;
        long oldestPending = Long.MAX_VALUE;
        try {
            for (String key : keys(j)) {
                SeriesTemplate.Series series = template.match(key);
                if (series == null) {
                    continue;
                }
                while (true) {
                    String wm = j.hget(watermarks, key);
                    String from = wm == null ? "-inf" : "(" + wm;
                    List<Tuple> rows = j.zrangeByScoreWithScores(key, from, "+inf", 0, batchSize + 1);
                    if (rows.isEmpty()) {
                        break;
                    }
                    boolean more = rows.size() > batchSize;
                    List<Tuple> take = rows.subList(0, Math.min(rows.size(), batchSize));
                    if (more && take.get(take.size() - 1).getScore() == rows.get(batchSize).getScore()) {
                        // Samples sharing the batch's last timestamp go together, or the exclusive
                        // watermark would skip the rest of them.
                        double last = take.get(take.size() - 1).getScore();
                        int cut = take.size();
                        while (cut > 1 && take.get(cut - 1).getScore() == last) {
                            cut--;
                        }
                        take = take.subList(0, cut == 1 && take.get(0).getScore() == last ? take.size() : cut);
                    }
                    List<TsdbWriter.Sample> samples = new ArrayList<>();
                    for (Tuple t : take) {
                        samples.add(new TsdbWriter.Sample((long) t.getScore(), value(t.getElement())));
                    }
                    oldestPending = Math.min(oldestPending, samples.get(0).timeMillis());
                    TsdbWriter.Outcome o = writer.write(List.of(new TsdbWriter.Batch(key, series, samples)));
                    switch (o.kind()) {
                        case ACCEPTED -> exported.addAndGet(samples.size());
                        case REJECTED -> {
                            rejected.addAndGet(samples.size());
                            LOG.warn("{} rejected {} samples of {} ({}); they are skipped", writer.name(),
                                    samples.size(), key, o.message());
                        }
                        case RETRY -> throw new IllegalStateException(writer.name() + " unavailable: " + o.message());
                    }
                    j.hset(watermarks, key, Long.toString(samples.get(samples.size() - 1).timeMillis()));
                    total += samples.size();
                    if (!more) {
                        break;
                    }
                }
            }
            lagMillis = oldestPending == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldestPending);
            return total;
        } catch (RuntimeException e) {
            if (e instanceof redis.clients.jedis.exceptions.JedisConnectionException) {
                closeConnection();
            }
            throw e;
        }
    }

    /** The value of a member "ts:value" (the part after the last ':'), or NaN if it is not a number. */
    static double value(String member) {
        String v = member.substring(member.lastIndexOf(':') + 1);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private List<String> keys(Jedis j) {
        List<String> out = new ArrayList<>();
        ScanParams params = new ScanParams().match(template.scanPattern()).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> r = j.scan(cursor, params, "zset");
            out.addAll(r.getResult());
            cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        out.sort(String::compareTo);
        return out;
    }

    private Jedis connection() {
        if (redis == null) {
            redis = rockhub.connect();
        }
        return redis;
    }

    private void closeConnection() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Override
    public synchronized void close() {
        closeConnection();
    }
}
