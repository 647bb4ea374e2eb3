package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import io.rockhub.resp.testing.WalGate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.rocksdb.TickerType;

/**
 * A reply leaves the server only after RocksDB fsynced the WAL up to the command's batch: the WAL
 * flush is held with the committer's hook, and neither the writer's reply nor another client's read
 * of the new value may arrive while it is held (a read must not show a value a crash could still
 * take back).
 */
class DurableReplyTest {
    @Test
    void neitherTheWriteNorAReadOfItIsAnsweredBeforeTheWalFsync() throws Exception {
        try (TestServer server = TestServer.start();
             RawClient writer = new RawClient(server.port());
             RawClient reader = new RawClient(server.port())) {
            assertThat(writer.call("PING")).isEqualTo("+PONG\r\n");
            try (WalGate gate = WalGate.hold(server)) {
                long before = server.hub().storage().latestSequence();
                long fsyncsBefore = server.hub().storage().ticker(TickerType.WAL_FILE_SYNCED);
                writer.send("SET", "k", "v");
                gate.awaitHeldBeyond(before, "the SET's flush to be under way");
                reader.send("GET", "k");
                Wait.until(Duration.ofSeconds(10), "the GET to be executed",
                        () -> server.hub().stats().command("get").calls() > 0);

                assertThat(writer.replyArrivesWithin(Duration.ofMillis(300))).as("SET answered before its fsync").isFalse();
                assertThat(reader.replyArrivesWithin(Duration.ofMillis(100))).as("GET answered before the fsync").isFalse();
                assertThat(server.hub().storage().ticker(TickerType.WAL_FILE_SYNCED)).isEqualTo(fsyncsBefore);

                gate.open();
                assertThat(writer.readReply()).isEqualTo("+OK\r\n");
                assertThat(reader.readReply()).isEqualTo("$1\r\nv\r\n");
                assertThat(server.hub().storage().ticker(TickerType.WAL_FILE_SYNCED)).isGreaterThan(fsyncsBefore);
            }
        }
    }

    /**
     * A read waits only for the commits of the keys it read: a GET of a key nobody wrote since the
     * last fsync is answered while another key's fsync is held; a read of the written key, alone or
     * among others, is not.
     */
    @Test
    void aReadWaitsForTheFsyncOfTheKeysItReadNotOfOtherKeys() throws Exception {
        try (TestServer server = TestServer.start();
             RawClient writer = new RawClient(server.port());
             RawClient quiet = new RawClient(server.port());
             RawClient reader = new RawClient(server.port())) {
            assertThat(writer.call("SET", "calm", "c")).isEqualTo("+OK\r\n");
            try (WalGate gate = WalGate.hold(server)) {
                long before = server.hub().storage().latestSequence();
                writer.send("SET", "k", "v");
                gate.awaitHeldBeyond(before, "the SET's flush to be under way");

                quiet.send("GET", "calm");
                assertThat(quiet.replyArrivesWithin(Duration.ofSeconds(10))).as("a key written before is answered").isTrue();
                assertThat(quiet.readReply()).isEqualTo("$1\r\nc\r\n");
                reader.send("MGET", "calm", "k");
                assertThat(reader.replyArrivesWithin(Duration.ofMillis(200))).as("MGET of the held key answered early").isFalse();
                assertThat(writer.replyArrivesWithin(Duration.ofMillis(1))).isFalse();

                gate.open();
                assertThat(writer.readReply()).isEqualTo("+OK\r\n");
                assertThat(reader.readReply()).isEqualTo("*2\r\n$1\r\nc\r\n$1\r\nv\r\n");
            }
        }
    }
}
