package io.rockhub.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.SetParams;

/**
 * The larger-than-cache benchmark ({@code bench/large}) against one running server: loads RECORDS
 * idempotency records of about 2 KB of JSON (SET EX 90 days, pipelined), has RockHub compact them
 * into the last level, then runs the seed's mixed workload for SECONDS: 90% GET (a tenth of them of
 * keys never written), 10% SET EX over the loaded keys, by CLIENTS connections, every key drawn
 * uniformly (the worst case for a cache). Prints one Markdown row: load rate, throughput, GET and SET
 * latency percentiles, block cache hit rate over the measured period, bytes per record. The
 * workload runs twice: as fast as the clients go, then at RATE requests per second offered.
 */
public final class LargeDatasetBench {
    private static final long TTL = TimeUnit.DAYS.toSeconds(90);
    private static final String[] MERCHANTS = {"acme-shop", "blue-fin-travel", "northwind", "globex-energy", "initech-saas"};
    private static final String[] ITEMS = {"wireless headphones", "espresso beans 1kg", "running shoes", "usb-c cable 2m",
        "monthly subscription", "gift card", "yoga mat", "desk lamp", "backpack 30l", "phone case"};
    private static final String[] COUNTRIES = {"DE", "FR", "NL", "ES", "IT", "PL", "SE", "AT"};
    private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "SEK", "PLN"};

    private LargeDatasetBench() {
    }

    public static void main(String[] args) throws Exception {
        String label = System.getProperty("label", "rockhub");
        int port = Integer.getInteger("port");
        int records = Integer.getInteger("records", 1_000_000);
        int seconds = Integer.getInteger("seconds", 60);
        int warmup = Integer.getInteger("warmup", 10);
        int clients = Integer.getInteger("clients", 32);
        boolean rockhub = label.startsWith("rockhub");

        long t0 = System.nanoTime();
        // -Dload=false runs the workload again on what an earlier run loaded.
        long loadedBytes = Boolean.parseBoolean(System.getProperty("load", "true")) ? load(port, records)
                : sampledBytes(records);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf("%s: loaded %,d records (%,d bytes of JSON) in %.0f s%n", label, records, loadedBytes, loadSeconds);
        long perRecord;
        if (rockhub) {
            compact(port);
            perRecord = info(port, "rocksdb").get("sst_total_bytes") / records;
        } else {
            perRecord = info(port, "memory").get("used_memory") / records;
        }
        System.err.printf("%s: %d bytes per record%n", label, perRecord);

        int rate = Integer.getInteger("rate", 2000);
        int[] targets = Boolean.parseBoolean(System.getProperty("rateOnly", "false")) ? new int[] {rate} : new int[] {0, rate};
        // At an offered rate fewer clients suffice, and fewer threads waking on time on 2 cores
        // keep the client's own scheduling delays out of the latencies.
        int rateClients = Math.min(clients, 8);
        for (int target : targets) {
            Result r = mixed(port, records, target == 0 ? clients : rateClients, warmup, seconds, target, rockhub);
            System.out.printf("| %s | %s | %,d | %d | %,.0f | %,.0f | %s | %s | %s | %s |%n", label,
                    target == 0 ? clients + " clients, as fast as they go"
                            : String.format("%,d ops/s offered by %d clients", target, rateClients),
                    records, loadedBytes / records, records / loadSeconds, r.ops / (double) seconds,
                    percentiles(r.gets), percentiles(r.sets), r.hitRate < 0 ? "-" : String.format("%.3f", r.hitRate),
                    perRecord + (rockhub ? " on disk" : " in memory"));
        }
    }

    /** About 2 KB of JSON, as an API's idempotency layer stores a request and its response. */
    static String record(long id, SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder(2300);
        String currency = CURRENCIES[rnd.nextInt(CURRENCIES.length)];
        long amount = 0;
        sb.append("{\"idempotency_key\":\"").append(hex(rnd, 8)).append('-').append(hex(rnd, 4)).append('-')
          .append(hex(rnd, 4)).append('-').append(hex(rnd, 12)).append("\",\"request_id\":\"req_").append(hex(rnd, 16))
          .append("\",\"merchant\":\"").append(MERCHANTS[rnd.nextInt(MERCHANTS.length)])
          .append("\",\"status\":\"succeeded\",\"http_status\":201,\"created_at\":\"2026-11-")
          .append(10 + rnd.nextInt(20)).append('T').append(10 + rnd.nextInt(14)).append(':').append(10 + rnd.nextInt(50))
          .append(':').append(10 + rnd.nextInt(50)).append('.').append(100 + rnd.nextInt(900)).append("Z\",")
          .append("\"request\":{\"method\":\"POST\",\"path\":\"/v1/payments\",\"customer\":\"cus_").append(hex(rnd, 12))
          .append("\",\"description\":\"Order #").append(id).append("\",\"line_items\":[");
        int items = 5 + rnd.nextInt(4);
        for (int i = 0; i < items; i++) {
            int qty = 1 + rnd.nextInt(3);
            int unit = 199 + rnd.nextInt(20_000);
            amount += (long) qty * unit;
            sb.append(i == 0 ? "" : ",").append("{\"sku\":\"SKU-").append(10_000 + rnd.nextInt(90_000))
              .append("\",\"name\":\"").append(ITEMS[rnd.nextInt(ITEMS.length)]).append("\",\"quantity\":").append(qty)
              .append(",\"unit_amount\":").append(unit).append(",\"tax_rate\":0.19}");
        }
        String country = COUNTRIES[rnd.nextInt(COUNTRIES.length)];
        sb.append("],\"amount\":").append(amount).append(",\"currency\":\"").append(currency)
          .append("\",\"capture_method\":\"automatic\",\"metadata\":{\"channel\":\"web\",\"campaign\":\"winter-")
          .append(rnd.nextInt(12)).append("\"}},\"response\":{\"id\":\"pay_").append(hex(rnd, 16))
          .append("\",\"object\":\"payment\",\"amount\":").append(amount).append(",\"amount_received\":").append(amount)
          .append(",\"currency\":\"").append(currency).append("\",\"status\":\"succeeded\",\"payment_method\":{\"type\":\"card\",")
          .append("\"card\":{\"brand\":\"").append(rnd.nextBoolean() ? "visa" : "mastercard").append("\",\"last4\":\"")
          .append(1000 + rnd.nextInt(9000)).append("\",\"exp_month\":").append(1 + rnd.nextInt(12)).append(",\"exp_year\":")
          .append(2027 + rnd.nextInt(5)).append(",\"country\":\"").append(country).append("\",\"funding\":\"credit\",")
          .append("\"checks\":{\"cvc_check\":\"pass\",\"address_line1_check\":\"pass\",\"address_postal_code_check\":\"pass\"}}},")
          .append("\"billing_details\":{\"name\":\"Customer ").append(rnd.nextInt(1_000_000)).append("\",\"email\":\"c")
          .append(rnd.nextInt(1_000_000)).append("@example.com\",\"address\":{\"line1\":\"").append(1 + rnd.nextInt(200))
          .append(" Market Street\",\"city\":\"City ").append(rnd.nextInt(500)).append("\",\"postal_code\":\"")
          .append(10_000 + rnd.nextInt(89_999)).append("\",\"country\":\"").append(country).append("\"}},")
          .append("\"outcome\":{\"network_status\":\"approved_by_network\",\"risk_level\":\"normal\",\"risk_score\":")
          .append(rnd.nextInt(100)).append(",\"seller_message\":\"Payment complete.\",\"type\":\"authorized\"},")
          .append("\"balance_transaction\":\"txn_").append(hex(rnd, 16)).append("\",\"receipt_url\":\"https://pay.example.com/receipts/")
          .append(hex(rnd, 24)).append("\"},\"headers\":{\"content-type\":\"application/json\",\"user-agent\":\"checkout-service/4.")
          .append(rnd.nextInt(20)).append("\",\"x-forwarded-for\":\"10.").append(rnd.nextInt(256)).append('.')
          .append(rnd.nextInt(256)).append('.').append(rnd.nextInt(256)).append("\"}}");
        return sb.toString();
    }

    /** The JSON bytes of {@code records} records, estimated from the first thousand (a run that does not load). */
    private static long sampledBytes(int records) {
        int sample = Math.min(records, 1000);
        long bytes = 0;
        for (int i = 0; i < sample; i++) {
            bytes += record(i, new SplittableRandom(i)).length();
        }
        return bytes * records / sample;
    }

    private static String hex(SplittableRandom rnd, int digits) {
        char[] c = new char[digits];
        for (int i = 0; i < digits; i++) {
            c[i] = Character.forDigit(rnd.nextInt(16), 16);
        }
        return new String(c);
    }

    static String key(long i) {
        return String.format("idem:%010d", i);
    }

    private static long load(int port, int records) throws InterruptedException {
        int threads = 4;
        AtomicLong bytes = new AtomicLong();
        List<Thread> loaders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread th = new Thread(() -> {
                try (Jedis j = new Jedis("127.0.0.1", port, 120_000)) {
                    Pipeline p = j.pipelined();
                    int n = 0;
                    for (long i = first; i < records; i += threads) {
                        String v = record(i, new SplittableRandom(i));
                        bytes.addAndGet(v.length());
                        p.set(key(i), v, SetParams.setParams().ex(TTL));
                        if (++n % 200 == 0) {
                            p.sync();
                        }
                    }
                    p.sync();
                }
            });
            loaders.add(th);
            th.start();
        }
        for (Thread th : loaders) {
            th.join();
        }
        return bytes.get();
    }

    private static void compact(int port) throws InterruptedException {
        try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
            long t0 = System.nanoTime();
            j.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode("COMPACT"));
            while (info(port, "rocksdb").get("compacting") == 1) {
                Thread.sleep(500);
            }
            System.err.printf("compacted in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    private record Result(long ops, Histogram gets, Histogram sets, double hitRate) {
    }

    /**
     * {@code rate} 0: every client sends its next request when the last is answered (throughput).
     * Otherwise the clients together offer {@code rate} requests per second on a fixed schedule and
     * latency counts from when a request was due, so a slow reply also charges the requests it
     * delayed (no coordinated omission).
     */
    private static Result mixed(int port, int records, int clients, int warmup, int seconds, int rate, boolean rockhub)
            throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        List<Histogram> gets = new ArrayList<>();
        List<Histogram> sets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Histogram g = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            Histogram s = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            gets.add(g);
            sets.add(s);
            long seed = 1_000 + c;
            Thread th = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                // Values made before the clock starts: building 2 KB of JSON is the client's work.
                String[] values = new String[64];
                for (int i = 0; i < values.length; i++) {
                    values[i] = record(seed * 64 + i, rnd);
                }
                long interval = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) * clients / rate;
                long due = start + (rate == 0 ? 0 : rnd.nextLong(interval));
                try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        if (rate != 0) {
                            while (now < due) {
                                java.util.concurrent.locks.LockSupport.parkNanos(due - now);
                                now = System.nanoTime();
                            }
                            now = due;
                            due += interval;
                        }
                        int roll = rnd.nextInt(100);
                        boolean measured = now >= measureFrom;
                        if (roll < 90) {
                            // One GET in ten asks for a key never written (ids past the loaded range).
                            long id = roll < 9 ? records + rnd.nextInt(records) : rnd.nextInt(records);
                            j.get(key(id));
                            if (measured) {
                                g.recordValue(System.nanoTime() - now);
                            }
                        } else {
                            long id = rnd.nextInt(records);
                            String v = values[rnd.nextInt(values.length)];
                            long t = rate == 0 ? System.nanoTime() : now;
                            j.set(key(id), v, SetParams.setParams().ex(TTL));
                            if (measured) {
                                s.recordValue(System.nanoTime() - t);
                            }
                        }
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        Map<String, Long> before = rockhub ? info(port, "rocksdb") : Map.of();
        for (Thread th : threads) {
            th.join();
        }
        Map<String, Long> after = rockhub ? info(port, "rocksdb") : Map.of();
        Histogram allGets = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Histogram allSets = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        gets.forEach(allGets::add);
        sets.forEach(allSets::add);
        double hitRate = -1;
        if (rockhub) {
            long hits = after.get("block_cache_hits") - before.get("block_cache_hits");
            long misses = after.get("block_cache_misses") - before.get("block_cache_misses");
            hitRate = hits + misses == 0 ? 0 : (double) hits / (hits + misses);
        }
        return new Result(allGets.getTotalCount() + allSets.getTotalCount(), allGets, allSets, hitRate);
    }

    private static String percentiles(Histogram h) {
        return String.format("%.2f / %.2f / %.2f", h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6);
    }

    /** The numeric fields of one INFO section. */
    private static Map<String, Long> info(int port, String section) {
        Map<String, Long> out = new TreeMap<>();
        try (Jedis j = new Jedis("127.0.0.1", port, 60_000)) {
            for (String line : j.info(section).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    try {
                        out.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1)));
                    } catch (NumberFormatException notANumber) {
                        // text fields are not needed here
                    }
                }
            }
        }
        return out;
    }
}
