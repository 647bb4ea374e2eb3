package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every class of bad input gets a clear Redis-style error, changes no data, and leaves the server
 * serving other clients (a bystander connection is checked after each case).
 */
class BadInputTest {
    private static TestServer server;
    private static RawClient bystander;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("proto-max-bulk-len", "1mb"));
        bystander = new RawClient(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        bystander.close();
        server.close();
    }

    @BeforeEach
    void seed() throws Exception {
        bystander.call("FLUSHALL");
        bystander.call("SET", "precious", "42");
    }

    private void assertDataIntactAndServing() throws Exception {
        assertThat(bystander.call("GET", "precious")).isEqualTo("$2\r\n42\r\n");
        assertThat(bystander.call("DBSIZE")).isEqualTo(":1\r\n");
        try (RawClient fresh = new RawClient(server.port())) {
            assertThat(fresh.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    private String protocolErrorFor(String raw) throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.sendRaw(raw);
            String reply = c.readReply();
            assertThat(c.closedByServer()).as("connection closed after protocol error").isTrue();
            return reply;
        }
    }

    @Test
    void malformedFramesGetProtocolErrorsAndCloseOnlyThatConnection() throws Exception {
        assertThat(protocolErrorFor("*x\r\n")).isEqualTo("-ERR Protocol error: invalid multibulk length\r\n");
        assertThat(protocolErrorFor("*1\r\n:5\r\n")).isEqualTo("-ERR Protocol error: expected '$', got ':'\r\n");
        assertThat(protocolErrorFor("*1\r\n$-2\r\n")).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
        assertThat(protocolErrorFor("SET precious \"unterminated\r\n"))
                .isEqualTo("-ERR Protocol error: unbalanced quotes in request\r\n");
        assertDataIntactAndServing();
    }

    @Test
    void hugeClaimedLengthsAreRefusedBeforeAllocation() throws Exception {
        assertThat(protocolErrorFor("*1\r\n$2000000000\r\n")).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
        assertThat(protocolErrorFor("*3\r\n$3\r\nSET\r\n$8\r\nprecious\r\n$1048577\r\n"))
                .isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
        assertThat(protocolErrorFor("*99999999999\r\n")).isEqualTo("-ERR Protocol error: invalid multibulk length\r\n");
        assertThat(protocolErrorFor("x".repeat(70_000))).isEqualTo("-ERR Protocol error: too big inline request\r\n");
        assertDataIntactAndServing();
    }

    @Test
    void repliesBeforeAProtocolErrorAreStillDelivered() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.sendRaw("*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n");
            assertThat(c.readReply()).isEqualTo("+PONG\r\n");
            assertThat(c.readReply()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
        }
        assertDataIntactAndServing();
    }

    @Test
    void wrongArityAndUnknownCommandsKeepTheConnection() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            assertThat(c.call("SET", "precious")).isEqualTo("-ERR wrong number of arguments for 'set' command\r\n");
            assertThat(c.call("FROBNICATE", "precious")).isEqualTo(
                    "-ERR unknown command 'FROBNICATE', with args beginning with: 'precious' \r\n");
            assertThat(c.call("MSET", "precious", "1", "x")).isEqualTo(
                    "-ERR wrong number of arguments for 'mset' command\r\n");
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
        }
        assertDataIntactAndServing();
    }

    @Test
    void nonNumbersAndOutOfRangeValuesChangeNothing() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            assertThat(c.call("INCRBY", "precious", "ten")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(c.call("INCRBY", "precious", "99999999999999999999"))
                    .isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(c.call("INCRBYFLOAT", "precious", "1.2.3")).isEqualTo("-ERR value is not a valid float\r\n");
            assertThat(c.call("EXPIRE", "precious", "soon")).isEqualTo("-ERR value is not an integer or out of range\r\n");
            assertThat(c.call("SET", "precious", "x", "EX", "-1")).isEqualTo("-ERR invalid expire time in 'set' command\r\n");
            assertThat(c.call("SETRANGE", "precious", "-1", "x")).isEqualTo("-ERR offset is out of range\r\n");
            assertThat(c.call("SETRANGE", "precious", "1048576", "x"))
                    .isEqualTo("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
            assertThat(c.call("SET", "precious", "x", "PX", "100", "EX", "1")).isEqualTo("-ERR syntax error\r\n");
            assertThat(c.call("TTL", "precious")).isEqualTo(":-1\r\n");
        }
        assertDataIntactAndServing();
    }

    @Test
    void wrongTypeIsRefusedWithoutChangingTheValue() throws Exception {
        // A collection record written through the store layer: collections arrive with later types.
        io.rockhub.core.types.Keyspace ks = server.hub().keys();
        try (io.rockhub.core.storage.Batch b = ks.storage().newBatch()) {
            ks.put(b, io.rockhub.core.encoding.StoredKey.of(0, "h".getBytes()), null, io.rockhub.core.encoding.Metadata.collection(
                    io.rockhub.core.encoding.DataType.HASH, 0, ks.versions().next(), 1));
            ks.commit(b);
        }
        try (RawClient c = new RawClient(server.port())) {
            String wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
            assertThat(c.call("GET", "h")).isEqualTo(wrongType);
            assertThat(c.call("INCR", "h")).isEqualTo(wrongType);
            assertThat(c.call("APPEND", "h", "x")).isEqualTo(wrongType);
            assertThat(c.call("SET", "h", "x", "GET")).isEqualTo(wrongType);
            assertThat(c.call("GETDEL", "h")).isEqualTo(wrongType);
            assertThat(c.call("TYPE", "h")).isEqualTo("+hash\r\n");
            assertThat(c.call("MGET", "h", "precious")).isEqualTo("*2\r\n$-1\r\n$2\r\n42\r\n");
            assertThat(c.call("DEL", "h")).isEqualTo(":1\r\n");
        }
        assertDataIntactAndServing();
    }

    @Test
    void inlineCommandsTypedByAPersonWork() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.sendRaw("PING\r\n");
            assertThat(c.readReply()).isEqualTo("+PONG\r\n");
            c.sendRaw("set greeting \"hello world\"\n");
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            c.sendRaw("get greeting\r\n");
            assertThat(c.readReply()).isEqualTo("$11\r\nhello world\r\n");
            c.sendRaw("QUIT\r\n");
            assertThat(c.readReply()).isEqualTo("+OK\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
