package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GETs whose records are only on disk run on the read pool, and a client still sees every reply in
 * the order it asked, each read seeing exactly the writes it asked for before it.
 */
class ReadPoolTest {
    /** No heap cache and a block cache of 1 MB: after a flush, most records are only in files. */
    private static final Map<String, String> SMALL_CACHES = Map.of("metadata-cache-size", "0",
            "rocksdb.block_cache_size", "1", "read-threads", "4");

    private static byte[] pipeline(List<String[]> commands) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String[] c : commands) {
            b.writeBytes(RawClient.encode(c));
        }
        return b.toByteArray();
    }

    private static long readsOffLoop(TestServer server) {
        return server.hub().reads().submitted();
    }

    /** SET k0..k(n-1) to v0.., then flushes the memtables: the records are in files only. */
    private static void writeToFiles(TestServer server, RawClient c, int n) throws Exception {
        List<String[]> load = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            load.add(new String[] {"SET", "k" + i, "v" + i});
        }
        c.sendRaw(pipeline(load));
        for (int i = 0; i < n; i++) {
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
        }
        server.hub().storage().flushMemtables();
    }

    private static String bulk(String v) {
        return v == null ? "$-1\r\n" : "$" + v.length() + "\r\n" + v + "\r\n";
    }

    @Test
    void pipelinedReadsFromDiskAndWritesAnswerInOrderAsIfRunOneByOne() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (TestServer server = TestServer.start(SMALL_CACHES);
             RawClient c = new RawClient(server.port());
             RawClient other = new RawClient(server.port())) {
            int keys = 20_000;
            String padding = "x".repeat(100);
            List<String[]> load = new ArrayList<>();
            String[] model = new String[keys];
            for (int i = 0; i < keys; i++) {
                model[i] = i + padding;
                load.add(new String[] {"SET", "k" + i, model[i]});
            }
            c.sendRaw(pipeline(load));
            for (int i = 0; i < keys; i++) {
                assertThat(c.readReply()).isEqualTo("+OK\r\n");
            }
            server.hub().storage().flushMemtables();

            long before = readsOffLoop(server);
            for (int round = 0; round < 20; round++) {
                List<String[]> commands = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                for (int n = 0; n < 50; n++) {
                    int k = rnd.nextInt(keys);
                    switch (rnd.nextInt(6)) {
                        case 0 -> {
                            model[k] = "w" + round + "." + n;
                            commands.add(new String[] {"SET", "k" + k, model[k]});
                            expected.add("+OK\r\n");
                        }
                        case 1 -> {
                            commands.add(new String[] {"EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "k" + k, "e" + n});
                            model[k] = "e" + n;
                            expected.add("+OK\r\n");
                        }
                        case 2 -> {
                            commands.add(new String[] {"DEL", "k" + k});
                            expected.add(model[k] == null ? ":0\r\n" : ":1\r\n");
                            model[k] = null;
                        }
                        default -> {
                            commands.add(new String[] {"GET", "k" + k});
                            expected.add(bulk(model[k]));
                        }
                    }
                }
                c.sendRaw(pipeline(commands));
                // Another client's reads go on meanwhile, on the same event loop.
                assertThat(other.call("GET", "missing")).isEqualTo("$-1\r\n");
                List<String> replies = new ArrayList<>();
                for (int n = 0; n < commands.size(); n++) {
                    replies.add(c.readReply());
                }
                List<String> asked = commands.stream().map(x -> String.join(" ", x)).toList();
                assertThat(replies).as("seed %d round %d: %s", seed, round, asked).isEqualTo(expected);
            }
            assertThat(readsOffLoop(server) - before).as("GETs that needed the disk went to the read pool").isPositive();
            assertThat(c.call("INFO", "rocksdb")).contains("reads_off_loop:");
        }
    }

    @Test
    void aReadInsideATransactionOrAScriptStaysWhereItRuns() throws Exception {
        try (TestServer server = TestServer.start(SMALL_CACHES); RawClient c = new RawClient(server.port())) {
            writeToFiles(server, c, 5_000);
            long before = readsOffLoop(server);
            assertThat(c.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(c.call("GET", "k1")).isEqualTo("+QUEUED\r\n");
            assertThat(c.call("GET", "k2")).isEqualTo("+QUEUED\r\n");
            assertThat(c.call("EXEC")).isEqualTo("*2\r\n$2\r\nv1\r\n$2\r\nv2\r\n");
            assertThat(c.call("EVAL", "return redis.call('GET', KEYS[1])", "1", "k3")).isEqualTo("$2\r\nv3\r\n");
            assertThat(readsOffLoop(server) - before).isZero();
        }
    }

    /** A script may join scripts already on the script thread, but never passes a request queued before it. */
    @Test
    void aScriptNeverOvertakesARequestThatCameBeforeIt() throws Exception {
        try (TestServer server = TestServer.start(); RawClient c = new RawClient(server.port())) {
            String set = "return redis.call('SET', KEYS[1], ARGV[1])";
            for (int round = 0; round < 200; round++) {
                List<String[]> commands = List.of(new String[] {"EVAL", set, "1", "k", "a" + round},
                        new String[] {"GET", "k"}, new String[] {"EVAL", set, "1", "k", "b" + round},
                        new String[] {"GET", "k"});
                c.sendRaw(pipeline(commands));
                assertThat(c.readReply()).isEqualTo("+OK\r\n");
                assertThat(c.readReply()).as("round %d", round).isEqualTo(bulk("a" + round));
                assertThat(c.readReply()).isEqualTo("+OK\r\n");
                assertThat(c.readReply()).as("round %d", round).isEqualTo(bulk("b" + round));
            }
        }
    }

    @Test
    void withoutReadThreadsEveryGetRunsOnItsEventLoop() throws Exception {
        try (TestServer server = TestServer.start(Map.of("metadata-cache-size", "0", "rocksdb.block_cache_size", "1"));
             RawClient c = new RawClient(server.port())) {
            writeToFiles(server, c, 5_000);
            for (int i = 0; i < 100; i++) {
                assertThat(c.call("GET", "k" + (i * 37))).isEqualTo(bulk("v" + (i * 37)));
            }
            assertThat(readsOffLoop(server)).isZero();
        }
    }
}
