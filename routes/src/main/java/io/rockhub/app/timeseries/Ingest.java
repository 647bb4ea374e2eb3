package io.rockhub.app.timeseries;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;

/**
 * Telemetry collectors push into the buffers without a Redis client: a camel-netty TCP route takes
 * one point per line, in InfluxDB line protocol ({@code pressure,entity=pump-7 value=3.2 <ns>}) or
 * Graphite plaintext ({@code pump-7.pressure 3.2 <s>}), maps it to its time-series key through the
 * same template as the export, and ZADDs {@code ts:value} at score ts (ms). A malformed line is
 * counted and logged and never stops the lines after it.
 */
public final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

    /** One point bound for a buffer. */
    record Point(String key, long timeMillis, double value) {
    }

    private final SeriesTemplate template;
    private final JedisPooled redis;
    private final Counter accepted;
    private final Counter malformed;

    public Ingest(SeriesTemplate template, JedisPooled redis, MeterRegistry registry) {
        this.template = template;
        this.redis = redis;
        this.accepted = Counter.builder("rockhub.tsdb.ingested").description("Points ingested over TCP").register(registry);
        this.malformed = Counter.builder("rockhub.tsdb.ingest.malformed").description("Lines that could not be read")
                .register(registry);
    }

    /** Handles one line; returns the points it stored. */
    int handle(String line, long nowMillis) {
        String l = line.strip();
        if (l.isEmpty()) {
            return 0;
        }
        try {
            List<Point> points = l.indexOf('=') >= 0 ? influx(l, nowMillis) : graphite(l, nowMillis);
            for (Point p : points) {
                redis.zadd(p.key(), p.timeMillis(), p.timeMillis() + ":" + p.value());
            }
            accepted.increment(points.size());
            return points.size();
        } catch (IllegalArgumentException e) {
            malformed.increment();
            LOG.warn("ingest: skipped a malformed line ({}): {}", e.getMessage(), l.length() > 200 ? l.substring(0, 200) : l);
            return 0;
        }
    }

    /** {@code path value [timestamp-seconds]}; the path's dot-separated parts fill the template's variables in order. */
    List<Point> graphite(String line, long nowMillis) {
        String[] t = line.split("\\s+");
        if (t.length < 2 || t.length > 3) {
            throw new IllegalArgumentException("expected 'path value timestamp'");
        }
        double value = number(t[1]);
        long ts = t.length == 3 && !t[2].equals("-1") ? (long) (number(t[2]) * 1000) : nowMillis;
        String[] parts = t[0].split("\\.");
        List<String> vars = template.variables();
        if (parts.length != vars.size()) {
            throw new IllegalArgumentException("the path needs " + vars.size() + " parts (" + String.join(".", vars) + ")");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            values.put(vars.get(i), parts[i]);
        }
        return List.of(new Point(template.key(values), ts, value));
    }

    /** {@code measurement[,tag=v]* field=value[,field=value]* [timestamp-ns]}; field "value" keeps the measurement's name. */
    List<Point> influx(String line, long nowMillis) {
        String[] t = line.split(" ");
        if (t.length < 2 || t.length > 3) {
            throw new IllegalArgumentException("expected 'measurement,tags fields timestamp'");
        }
        String[] head = t[0].split(",");
        Map<String, String> labels = new HashMap<>();
        for (int i = 1; i < head.length; i++) {
            String[] kv = head[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("bad tag " + head[i]);
            }
            labels.put(kv[0], kv[1]);
        }
        long ts = t.length == 3 ? Long.parseLong(t[2]) / 1_000_000 : nowMillis;
        List<Point> out = new ArrayList<>();
        for (String field : t[1].split(",")) {
            String[] kv = field.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("bad field " + field);
            }
            Map<String, String> values = new HashMap<>(labels);
            values.put("metric", kv[0].equals("value") ? head[0] : head[0] + "_" + kv[0]);
            String v = kv[1].endsWith("i") ? kv[1].substring(0, kv[1].length() - 1) : kv[1];
            out.add(new Point(template.key(values), ts, number(v)));
        }
        return out;
    }

    private static double number(String s) {
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("not a finite number: " + s);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + s);
        }
    }

    /** The TCP route: camel-netty, one line per message, no reply. */
    public RouteBuilder route(String bind, int port) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("netty:tcp://" + bind + ":" + port + "?textline=true&sync=false&decoderMaxLineLength=65536")
                        .routeId("rockhub-tsdb-ingest")
                        .process(x -> handle(x.getMessage().getBody(String.class), System.currentTimeMillis()));
            }
        };
    }
}
