package io.rockhub.connectors.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Reads entries and hands each to the route as one exchange (body: the fields as a map). In group
 * mode an entry is acknowledged (XACK) only after its exchange completed without failure; a failed
 * or unfinished one stays pending and comes back through XAUTOCLAIM once idle long enough, with
 * its delivery count in a header. In cursor mode the consumer remembers the last id per stream.
 * One thread per consumer, blocking in XREADGROUP/XREAD; a lost connection is re-made with back-off.
 */
public class RockHubStreamConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(RockHubStreamConsumer.class);

    private final RockHubStreamEndpoint endpoint;
    private final RockHubStreamConfiguration config;
    private final Map<String, StreamEntryID> cursors = new LinkedHashMap<>();
    private final Map<String, StreamEntryID> claimCursors = new LinkedHashMap<>();
    private ExecutorService executor;
    private volatile boolean running;
    private Jedis jedis;
    private List<String> streams = List.of();
    private long patternCheckedAt;
    private long claimedAt;

    RockHubStreamConsumer(RockHubStreamEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.config = endpoint.getConfiguration();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        running = true;
        executor = endpoint.getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "RockHubStreamConsumer[" + endpoint.getStreams() + "]");
        executor.submit(this::loop);
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (executor != null) {
            endpoint.getCamelContext().getExecutorServiceManager().shutdownGraceful(executor);
            executor = null;
        }
        super.doStop();
    }

    private void loop() {
        long backoff = 100;
        while (running && isRunAllowed()) {
            try {
                if (jedis == null) {
                    // Reads block for blockMillis; the socket must wait longer than that.
                    jedis = endpoint.connect((int) Math.max(2_000, config.getBlockMillis() * 2 + 1_000));
                    streams = List.of();
                    patternCheckedAt = 0;
                }
                pollOnce();
                backoff = 100;
            } catch (JedisConnectionException e) {
                LOG.warn("rockhub-stream {}: connection to {}:{} lost ({}); retrying in {} ms", endpoint.getStreams(),
                        config.getHost(), config.getPort(), e.getMessage(), backoff);
                closeConnection();
                backoff = sleep(backoff);
            } catch (Exception e) {
                getExceptionHandler().handleException("rockhub-stream " + endpoint.getStreams() + " failed", e);
                closeConnection();
                backoff = sleep(backoff);
            }
        }
        closeConnection();
    }

    private long sleep(long backoff) {
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        return Math.min(5_000, backoff * 2);
    }

    private void closeConnection() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
            jedis = null;
        }
    }

    /** One read (and, in group mode, a reclaim when due); processes what came back. */
    void pollOnce() throws Exception {
        refreshStreams();
        if (streams.isEmpty()) {
            Thread.sleep(Math.min(config.getBlockMillis(), 1_000));
            return;
        }
        if (config.groupMode()) {
            long now = System.currentTimeMillis();
            if (now - claimedAt >= config.getClaimIntervalMillis()) {
                claimedAt = now;
                reclaim();
            }
            Map<String, StreamEntryID> unread = new LinkedHashMap<>();
            for (String s : streams) {
                unread.put(s, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY);
            }
            List<Map.Entry<String, List<StreamEntry>>> batch = jedis.xreadGroup(config.getGroup(),
                    config.getConsumerName(), XReadGroupParams.xReadGroupParams().count(config.getCount())
                            .block((int) config.getBlockMillis()), unread);
            for (Map.Entry<String, List<StreamEntry>> perStream : batch == null ? List.<Map.Entry<String,
                    List<StreamEntry>>>of() : batch) {
                for (StreamEntry e : perStream.getValue()) {
                    process(perStream.getKey(), e, 1);
                }
            }
            return;
        }
        Map<String, StreamEntryID> from = new LinkedHashMap<>();
        for (String s : streams) {
            from.put(s, cursors.get(s));
        }
        List<Map.Entry<String, List<StreamEntry>>> batch = jedis.xread(XReadParams.xReadParams()
                .count(config.getCount()).block((int) config.getBlockMillis()), from);
        for (Map.Entry<String, List<StreamEntry>> perStream : batch == null ? List.<Map.Entry<String,
                List<StreamEntry>>>of() : batch) {
            for (StreamEntry e : perStream.getValue()) {
                if (!running) {
                    return;
                }
                process(perStream.getKey(), e, 0);
                cursors.put(perStream.getKey(), e.getID());
            }
        }
    }

    private void refreshStreams() {
        long now = System.currentTimeMillis();
        if (!streams.isEmpty() && (!config.isPattern() || now - patternCheckedAt < config.getPatternRefreshMillis())) {
            return;
        }
        patternCheckedAt = now;
        List<String> found = config.isPattern() ? scan(endpoint.getStreams()) : endpoint.streamNames();
        for (String s : found) {
            if (!cursors.containsKey(s)) {
                cursors.put(s, "$".equals(config.getStartId()) ? StreamEntryID.XREAD_NEW_ENTRY
                        : new StreamEntryID(config.getStartId().equals("0") ? "0-0" : config.getStartId()));
                if (config.groupMode() && config.isCreateGroup()) {
                    createGroup(s);
                }
            }
        }
        if (!found.equals(streams)) {
            LOG.info("rockhub-stream: reading {}", found);
        }
        streams = found;
    }

    private List<String> scan(String pattern) {
        List<String> out = new ArrayList<>();
        ScanParams params = new ScanParams().match(pattern).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> r = jedis.scan(cursor, params, "stream");
            out.addAll(r.getResult());
            cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        out.sort(String::compareTo);
        return out;
    }

    private void createGroup(String stream) {
        try {
            jedis.xgroupCreate(stream, config.getGroup(), new StreamEntryID(), true);
            LOG.info("rockhub-stream: created group {} on {}", config.getGroup(), stream);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /** XAUTOCLAIM entries idle longer than claimMinIdleMillis and process them again. */
    private void reclaim() throws Exception {
        for (String s : streams) {
            StreamEntryID start = claimCursors.getOrDefault(s, new StreamEntryID());
            Map.Entry<StreamEntryID, List<StreamEntry>> r = jedis.xautoclaim(s, config.getGroup(),
                    config.getConsumerName(), config.getClaimMinIdleMillis(), start,
                    XAutoClaimParams.xAutoClaimParams().count(config.getCount()));
            claimCursors.put(s, r.getKey());
            for (StreamEntry e : r.getValue()) {
                List<StreamPendingEntry> p = jedis.xpending(s, config.getGroup(), XPendingParams.xPendingParams(e.getID(),
                        e.getID(), 1));
                process(s, e, p.isEmpty() ? 0 : p.get(0).getDeliveredTimes());
            }
            if (!r.getValue().isEmpty()) {
                LOG.info("rockhub-stream: reclaimed {} stuck entries of {}", r.getValue().size(), s);
            }
        }
    }

    private void process(String stream, StreamEntry e, long deliveries) throws Exception {
        Exchange exchange = createExchange(false);
        try {
            exchange.getMessage().setBody(new LinkedHashMap<>(e.getFields()));
            exchange.getMessage().setHeader(RockHubStreamConstants.STREAM, stream);
            exchange.getMessage().setHeader(RockHubStreamConstants.ENTRY_ID, e.getID().toString());
            exchange.getMessage().setHeader(RockHubStreamConstants.TIMESTAMP, e.getID().getTime());
            if (config.groupMode()) {
                exchange.getMessage().setHeader(RockHubStreamConstants.DELIVERY_COUNT, deliveries);
            }
            getProcessor().process(exchange);
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("rockhub-stream: processing " + stream + " " + e.getID()
                        + " failed; it stays pending", exchange, exchange.getException());
            } else if (config.groupMode()) {
                jedis.xack(stream, config.getGroup(), e.getID());
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }
}
