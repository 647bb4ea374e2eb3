package io.rockhub.resp.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.resp.server.Hub;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** Primary and replica in this JVM, each a real server on its own port and data directory. */
class ReplicationTest {
    /** Every record of every column family: replica and primary must be byte-identical. */
    static List<String> dump(Hub hub) {
        List<String> out = new ArrayList<>();
        for (ColumnFamily cf : ColumnFamily.values()) {
            try (var it = hub.storage().iterator(cf)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    out.add(cf + ":" + HexFormat.of().formatHex(it.key()) + "=" + HexFormat.of().formatHex(it.value()));
                }
            }
        }
        return out;
    }

    static void mixedWrites(Jedis j, int from, int to) {
        for (int i = from; i < to; i++) {
            switch (i % 6) {
                case 0 -> j.set("s:" + i, "v" + i);
                case 1 -> j.hset("h:" + (i % 50), "f" + i, "v" + i);
                case 2 -> j.rpush("l:" + (i % 20), "item" + i);
                case 3 -> j.sadd("set:" + (i % 30), "m" + i);
                case 4 -> j.zadd("z:" + (i % 10), i, "m" + i);
                default -> j.xadd("x:" + (i % 5), redis.clients.jedis.params.XAddParams.xAddParams(),
                        Map.of("n", Integer.toString(i)));
            }
        }
        j.del("s:0");
        j.expire("s:6", 3600);
    }

    /** A server's sequence number from INFO, over a new connection: it survives the replica reopening. */
    static long sequence(TestServer server) {
        return sequence(server, null);
    }

    static long sequence(TestServer server, String password) {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            if (password != null) {
                j.auth(password);
            }
            for (String line : j.info("replication").split("\r\n")) {
                if (line.startsWith("master_repl_offset:")) {
                    return Long.parseLong(line.substring("master_repl_offset:".length()));
                }
            }
        } catch (redis.clients.jedis.exceptions.JedisException reopening) {
            return -1;
        }
        return -1;
    }

    static void awaitCaughtUp(TestServer primary, TestServer replica) {
        long target = sequence(primary);
        Wait.until(Duration.ofSeconds(60), "replica at the primary's sequence " + target,
                () -> sequence(replica) == target);
    }

    static TestServer replicaOf(TestServer primary) throws Exception {
        return TestServer.start(Map.of("replicaof", "127.0.0.1 " + primary.port()));
    }

    @Test
    void aReplicaFollowsEveryTypeByteForByteAndRefusesWrites() throws Exception {
        try (TestServer primary = TestServer.start(); Jedis p = new Jedis("127.0.0.1", primary.port())) {
            mixedWrites(p, 0, 3000);
            try (TestServer replica = replicaOf(primary); Jedis r = new Jedis("127.0.0.1", replica.port())) {
                awaitCaughtUp(primary, replica);
                mixedWrites(p, 3000, 4000); // and what comes while streaming
                awaitCaughtUp(primary, replica);
                assertThat(dump(replica.hub())).isEqualTo(dump(primary.hub()));
                assertThat(r.hgetAll("h:1")).isEqualTo(p.hgetAll("h:1"));
                assertThat(r.ttl("s:6")).isPositive();
                assertThatThrownBy(() -> r.set("nope", "x")).isInstanceOf(JedisDataException.class)
                        .hasMessage("READONLY You can't write against a read only replica.");
                assertThat(r.exists("nope")).isFalse();

                assertThat(p.waitReplicas(1, 5000)).isEqualTo(1);
                List<Object> role = p.role();
                assertThat(role.get(0)).isEqualTo("master");
                assertThat((List<?>) role.get(2)).hasSize(1);
                List<Object> replicaRole = r.role();
                assertThat(replicaRole).element(0).isEqualTo("slave");
                assertThat(replicaRole).element(3).isEqualTo("connected");
                assertThat(r.info("replication")).contains("role:slave", "master_link_status:up");
                Wait.until(Duration.ofSeconds(10), "the primary sees the replica's acknowledgement",
                        () -> p.info("replication").contains("lag_seq=0"));
                assertThat(p.info("replication")).contains("connected_slaves:1", "slave0:ip=127.0.0.1");
            }
        }
    }

    @Test
    void aReplicaLogsInAsALeastPrivilegeUser() throws Exception {
        // The README's ready-made replica user: the replication commands and nothing else.
        try (TestServer primary = TestServer.start(Map.of("requirepass", "admin-pw"));
             RawClient p = new RawClient(primary.port())) {
            assertThat(p.call("AUTH", "admin-pw")).isEqualTo("+OK\r\n");
            assertThat(p.call("ACL", "SETUSER", "replica", "on", ">replica-pw", "-@all", "+psync", "+replconf",
                    "+replfetch", "+ping")).isEqualTo("+OK\r\n");
            p.call("SET", "before", "copied");
            try (TestServer replica = TestServer.start(Map.of("replicaof", "127.0.0.1 " + primary.port(),
                    "masteruser", "replica", "masterauth", "replica-pw"))) {
                p.call("SET", "after", "streamed");
                Wait.untilReply(Duration.ofSeconds(60), replica.port(), "*2\r\n$6\r\ncopied\r\n$8\r\nstreamed\r\n",
                        "MGET", "before", "after");
                assertThat(p.call("ACL", "LOG")).as("nothing the replica did was refused").isEqualTo("*0\r\n");
            }
        }
    }

    @Test
    void aReplicaKeepsItsAclUsersThroughAFullCopy() throws Exception {
        try (TestServer primary = TestServer.start(); TestServer replica = TestServer.start();
             RawClient p = new RawClient(primary.port())) {
            p.call("SET", "k", "from the primary");
            Hub first = replica.hub();
            try (RawClient r = new RawClient(replica.port())) {
                assertThat(r.call("ACL", "SETUSER", "reader", "on", ">pw", "~*", "+@read")).isEqualTo("+OK\r\n");
                assertThat(r.call("REPLICAOF", "127.0.0.1", Integer.toString(primary.port()))).isEqualTo("+OK\r\n");
            }
            Wait.untilReply(Duration.ofSeconds(60), replica.port(), "$16\r\nfrom the primary\r\n", "GET", "k");
            assertThat(replica.hub()).as("reopened on the copy").isNotSameAs(first);
            try (RawClient r = new RawClient(replica.port())) {
                assertThat(r.call("AUTH", "reader", "pw")).isEqualTo("+OK\r\n");
                assertThat(r.call("GET", "k")).isEqualTo("$16\r\nfrom the primary\r\n");
            }
        }
    }

    @Test
    void databasesReplicateWithTheirSwapsAndFlushes() throws Exception {
        try (TestServer primary = TestServer.start(); TestServer replica = replicaOf(primary);
             RawClient p = new RawClient(primary.port())) {
            p.call("SET", "warm", "up");
            awaitCaughtUp(primary, replica); // after the first full copy, which reopens the replica
            p.call("SELECT", "1");
            p.call("SET", "k", "in-db-1");
            p.call("SELECT", "2");
            p.call("SET", "gone", "soon");
            p.call("SWAPDB", "0", "1");
            p.call("FLUSHDB");
            awaitCaughtUp(primary, replica);
            RawClient r = new RawClient(replica.port());
            assertThat(r.call("GET", "k")).as("db 1's key is db 0's after the swap").isEqualTo("$7\r\nin-db-1\r\n");
            assertThat(r.call("SELECT", "1")).isEqualTo("+OK\r\n");
            assertThat(r.call("GET", "warm")).isEqualTo("$2\r\nup\r\n");
            assertThat(r.call("SELECT", "2")).isEqualTo("+OK\r\n");
            assertThat(r.call("DBSIZE")).as("db 2 flushed").isEqualTo(":0\r\n");
            assertThat(r.call("INFO", "keyspace")).contains("db0:keys=1", "db1:keys=1").doesNotContain("db2:");
            r.close();
        }
    }

    @Test
    void functionLibrariesReachTheReplicaWhichRunsOnlyTheirReadOnlyFunctions() throws Exception {
        try (TestServer primary = TestServer.start(); TestServer replica = replicaOf(primary);
             RawClient p = new RawClient(primary.port())) {
            p.call("SET", "warm", "up");
            awaitCaughtUp(primary, replica);
            String lib = "#!lua name=kv\n"
                    + "redis.register_function('put', function(k, a) return redis.call('set', k[1], a[1]) end)\n"
                    + "redis.register_function{function_name='fetch', callback=function(k) return redis.call('get', k[1]) end,"
                    + " flags={'no-writes'}}";
            assertThat(p.call("FUNCTION", "LOAD", lib)).isEqualTo("$2\r\nkv\r\n");
            assertThat(p.call("FCALL", "put", "1", "k", "v1")).isEqualTo("+OK\r\n");
            awaitCaughtUp(primary, replica);
            try (RawClient r = new RawClient(replica.port())) {
                assertThat(r.call("FCALL_RO", "fetch", "1", "k")).isEqualTo("$2\r\nv1\r\n");
                assertThat(r.call("FCALL", "fetch", "1", "k")).isEqualTo("$2\r\nv1\r\n");
                assertThat(r.call("FCALL", "put", "1", "k", "v2"))
                        .isEqualTo("-READONLY You can't write against a read only replica.\r\n");
                assertThat(r.call("FUNCTION", "LOAD", "REPLACE", lib))
                        .isEqualTo("-READONLY You can't write against a read only replica.\r\n");
                // Scripts as Redis 7 runs them on a replica (replies taken from redis-server 7.0.15).
                assertThat(r.call("EVAL", "return redis.call('set','x','1')", "0")).isEqualTo("-READONLY You can't"
                        + " write against a read only replica. script: 8b2ae6dd76cda7fc3e27f97431ae27d7b08a221d, on @user_script:1.\r\n");
                assertThat(r.call("EVAL", "#!lua\nreturn redis.call('get', 'k')", "0"))
                        .isEqualTo("-READONLY You can't write against a read only replica.\r\n");
                assertThat(r.call("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'k')", "0")).isEqualTo("$2\r\nv1\r\n");
                assertThat(r.call("EVAL_RO", "return redis.call('get', 'k')", "0")).isEqualTo("$2\r\nv1\r\n");
                // SCRIPT LOAD works on a replica and writes nothing there: the primary's writes keep flowing.
                String sha = io.rockhub.resp.scripting.ScriptSource.sha1Hex(
                        "return 'on the replica'".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertThat(r.call("SCRIPT", "LOAD", "return 'on the replica'")).isEqualTo("$40\r\n" + sha + "\r\n");
                assertThat(r.call("EVALSHA", sha, "0")).isEqualTo("$14\r\non the replica\r\n");
                assertThat(r.call("SCRIPT", "FLUSH")).isEqualTo("+OK\r\n");
                assertThat(r.call("SCRIPT", "EXISTS", sha)).isEqualTo("*1\r\n:0\r\n");
                p.call("SET", "k", "v2");
                awaitCaughtUp(primary, replica);
                assertThat(r.call("GET", "k")).isEqualTo("$2\r\nv2\r\n");
                p.call("SET", "k", "v1");
                awaitCaughtUp(primary, replica);
                // A library replaced on the primary is the replica's new one at once.
                p.call("FUNCTION", "LOAD", "REPLACE", lib.replace("redis.call('get', k[1])", "'replaced'"));
                awaitCaughtUp(primary, replica);
                assertThat(r.call("FCALL_RO", "fetch", "1", "k")).isEqualTo("$8\r\nreplaced\r\n");
                p.call("FUNCTION", "DELETE", "kv");
                awaitCaughtUp(primary, replica);
                assertThat(r.call("FCALL_RO", "fetch", "1", "k")).isEqualTo("-ERR Function not found\r\n");
                assertThat(r.call("FUNCTION", "LIST")).isEqualTo("*0\r\n");
            }
        }
    }

    @Test
    void blockedReadersOnTheReplicaWakeOnReplicatedWrites() throws Exception {
        try (TestServer primary = TestServer.start(); TestServer replica = replicaOf(primary);
             Jedis p = new Jedis("127.0.0.1", primary.port())) {
            p.set("warm", "up");
            awaitCaughtUp(primary, replica); // after the first full copy, which reopens the replica
            RawClient reader = new RawClient(replica.port());
            reader.send("XREAD", "BLOCK", "0", "STREAMS", "events", "$");
            Wait.until(Duration.ofSeconds(10), "reader blocked", () -> replica.hub().blocked().blockedClients() == 1);
            p.xadd("events", redis.clients.jedis.params.XAddParams.xAddParams()
                    .id(new redis.clients.jedis.StreamEntryID(5, 5)), Map.of("k", "v"));
            assertThat(reader.readReply()).contains("5-5");
            reader.close();
        }
    }

    @Test
    void messagesPublishedOnThePrimaryReachTheReplicasSubscribersAfterTheWritesBeforeThem() throws Exception {
        try (TestServer primary = TestServer.start(); TestServer replica = replicaOf(primary);
             Jedis p = new Jedis("127.0.0.1", primary.port())) {
            p.set("warm", "up");
            awaitCaughtUp(primary, replica); // after the first full copy, which reopens the replica
            try (RawClient sub = new RawClient(replica.port()); RawClient reader = new RawClient(replica.port())) {
                sub.call("SUBSCRIBE", "unlocks");
                sub.send("SSUBSCRIBE", "shard");
                assertThat(sub.readReply()).isEqualTo("*3\r\n$10\r\nssubscribe\r\n$5\r\nshard\r\n:1\r\n");
                for (int i = 0; i < 200; i++) {
                    p.set("lock", Integer.toString(i));
                    assertThat(p.publish("unlocks", Integer.toString(i))).as("PUBLISH counts the primary's own receivers")
                            .isZero();
                }
                for (int i = 0; i < 200; i++) {
                    String m = sub.readReply();
                    assertThat(m).isEqualTo("*3\r\n$7\r\nmessage\r\n$7\r\nunlocks\r\n$" + Integer.toString(i).length()
                            + "\r\n" + i + "\r\n");
                    // The write made before the message was published is on the replica by then.
                    String value = reader.call("GET", "lock");
                    assertThat(Integer.parseInt(value.substring(value.indexOf("\r\n") + 2).trim())).isGreaterThanOrEqualTo(i);
                }
                p.sendCommand(redis.clients.jedis.Protocol.Command.SPUBLISH, "shard", "s");
                assertThat(sub.readReply()).isEqualTo("*3\r\n$8\r\nsmessage\r\n$5\r\nshard\r\n$1\r\ns\r\n");
                assertThat(reader.call("PUBLISH", "unlocks", "local")).as("a replica publishes to its own subscribers")
                        .isEqualTo(":1\r\n");
                assertThat(sub.readReply()).endsWith("$5\r\nlocal\r\n");
            }
        }
    }

    @Test
    void aReplicaStoppedWhileWritesHappenCatchesUpFromTheWal() throws Exception {
        java.nio.file.Path replicaDir = java.nio.file.Files.createTempDirectory("rockhub-replica");
        try (TestServer primary = TestServer.start(); Jedis p = new Jedis("127.0.0.1", primary.port())) {
            Map<String, String> settings = Map.of("replicaof", "127.0.0.1 " + primary.port());
            mixedWrites(p, 0, 500);
            try (TestServer replica = TestServer.startIn(replicaDir, settings)) {
                awaitCaughtUp(primary, replica);
            }
            // A full copy would replace the whole directory, this file with it.
            java.nio.file.Files.writeString(replicaDir.resolve("still-mine"), "x");
            mixedWrites(p, 500, 5500);
            try (TestServer replica = TestServer.startIn(replicaDir, settings)) {
                Hub first = replica.hub();
                awaitCaughtUp(primary, replica);
                assertThat(dump(replica.hub())).isEqualTo(dump(primary.hub()));
                assertThat(replica.hub()).as("not reopened on a copy").isSameAs(first);
                assertThat(replicaDir.resolve("still-mine")).exists();
            }
        } finally {
            TestServer.deleteTree(replicaDir);
        }
    }

    @Test
    void aPrimaryClosingWhileItStreamsToAReplicaClosesItsStorageOnlyAfterItsSendersEnded() throws Exception {
        // Closing the server closes the replica's connection first, which takes the replica off the
        // primary's peers at once while its sender may still be reading the WAL: RocksDB aborted the
        // JVM ("pthread lock: Invalid argument") when storage closed under that read.
        for (int round = 0; round < 3; round++) {
            java.util.Set<Thread> before = senderThreads();
            TestServer primary = TestServer.start();
            try (TestServer replica = replicaOf(primary)) {
                try (Jedis p = new Jedis("127.0.0.1", primary.port())) {
                    mixedWrites(p, 0, 200);
                }
                awaitCaughtUp(primary, replica);
                assertThat(senderThreads()).as("the primary's sender").hasSizeGreaterThan(before.size());
                // Writes streaming to the replica as the primary closes, so that its sender is reading the WAL.
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                Thread writer = new Thread(() -> {
                    try (Jedis p = new Jedis("127.0.0.1", primary.port())) {
                        String value = "v".repeat(1000);
                        for (int i = 0; !stop.get(); i++) {
                            redis.clients.jedis.Pipeline pipe = p.pipelined();
                            for (int k = 0; k < 100; k++) {
                                pipe.set("load:" + (i * 100 + k), value);
                            }
                            pipe.sync();
                        }
                    } catch (RuntimeException closed) {
                        // the primary closed under the writer: expected
                    }
                });
                long streamed = sequence(replica);
                writer.start();
                Wait.until(Duration.ofSeconds(30), "writes streaming", () -> sequence(replica) > streamed + 1000);
                primary.close();
                java.util.Set<Thread> after = senderThreads();
                after.removeAll(before);
                stop.set(true);
                writer.join();
                assertThat(after).as("senders alive once the primary has closed its storage").isEmpty();
            }
        }
    }

    private static java.util.Set<Thread> senderThreads() {
        java.util.Set<Thread> out = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("rockhub-wal-sender-")) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void aReplicaWhoseGapLeftTheWalTakesAFullCopy() throws Exception {
        try (TestServer primary = TestServer.start(); Jedis p = new Jedis("127.0.0.1", primary.port())) {
            for (int round = 0; round < 6; round++) { // the WAL files holding the first writes become obsolete
                mixedWrites(p, round * 500, round * 500 + 500);
                primary.hub().storage().flushMemtables();
            }
            try (TestServer replica = replicaOf(primary)) {
                Hub first = replica.hub();
                awaitCaughtUp(primary, replica);
                assertThat(replica.hub()).as("reopened on the copy").isNotSameAs(first);
                mixedWrites(p, 3000, 3500);
                awaitCaughtUp(primary, replica);
                assertThat(dump(replica.hub())).isEqualTo(dump(primary.hub()));
                assertThat(replica.hub().replication().state().replid())
                        .isEqualTo(primary.hub().replication().state().replid());
            }
        }
    }

    @Test
    void expiryOnTheReplicaFollowsThePrimaryWhileReadsHideExpiredKeys() throws Exception {
        try (TestServer primary = TestServer.start(Map.of("expire-sweep-interval-ms", "60000"));
             TestServer replica = replicaOf(primary); Jedis p = new Jedis("127.0.0.1", primary.port())) {
            p.set("warm", "up");
            awaitCaughtUp(primary, replica);
            p.psetex("session", 150, "token");
            awaitCaughtUp(primary, replica);
            try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                Wait.until(Duration.ofSeconds(10), "the key expired", () -> r.get("session") == null);
                assertThat(replica.hub().keys().physical(io.rockhub.core.encoding.StoredKey.of(0, "session".getBytes())))
                        .as("hidden, but only the primary deletes it").isNotNull();
                assertThat(replica.hub().sweeper().runOnce()).as("a replica's sweeper stays idle").isZero();
                // The primary's sweeper reaches it within a second of its deadline (see ExpireKey).
                Wait.until(Duration.ofSeconds(10), "the primary swept it", () -> primary.hub().sweeper().runOnce() > 0);
                awaitCaughtUp(primary, replica);
                assertThat(replica.hub().keys().physical(io.rockhub.core.encoding.StoredKey.of(0, "session".getBytes()))).isNull();
                assertThat(dump(replica.hub())).isEqualTo(dump(primary.hub()));
            }
        }
    }

    @Test
    void aReplicaAuthenticatesWithMasterauthAndWaitTimesOutWithoutEnoughReplicas() throws Exception {
        try (TestServer primary = TestServer.start(Map.of("requirepass", "s3cret"));
             TestServer replica = TestServer.start(Map.of("replicaof", "127.0.0.1 " + primary.port(),
                     "masterauth", "s3cret"));
             Jedis p = new Jedis("127.0.0.1", primary.port())) {
            p.auth("s3cret");
            p.set("k", "v");
            long target = sequence(primary, "s3cret");
            Wait.until(Duration.ofSeconds(30), "replica caught up", () -> sequence(replica) == target);
            long started = System.nanoTime();
            assertThat(p.waitReplicas(2, 300)).as("one replica of the two asked for").isEqualTo(1);
            assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
            assertThat(p.waitReplicas(0, 0)).isEqualTo(1);
        }
    }

    @Test
    void aReplicaOfAReplicaIsRefusedWithAClearError() throws Exception {
        try (TestServer primary = TestServer.start(); Jedis p = new Jedis("127.0.0.1", primary.port())) {
            p.set("k", "v");
            try (TestServer replica = replicaOf(primary)) {
                awaitCaughtUp(primary, replica);
                try (TestServer chained = replicaOf(replica)) {
                    Wait.until(Duration.ofSeconds(10), "the refusal reached the chained replica", () -> {
                        ReplicaLink link = chained.hub().replication().link();
                        return link != null && link.lastError().contains("chained replication is not supported");
                    });
                    try (Jedis c = new Jedis("127.0.0.1", chained.port())) {
                        assertThat(c.info("replication")).contains("master_link_status:down");
                    }
                }
            }
        }
    }
}
