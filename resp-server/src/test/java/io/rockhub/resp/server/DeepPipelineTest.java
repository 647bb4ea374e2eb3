package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Pipelines whose replies outgrow what the client reads: the replies of a burst leave in pieces (no
 * buffer regrown and copied per reply), requests past the write buffer's high mark wait as requests
 * until the client reads, and a client that writes its whole pipeline before reading still gets
 * every reply.
 */
class DeepPipelineTest {
    private static final int MB = 1 << 20;

    @Test
    void aClientThatWritesItsWholePipelineBeforeReadingGetsEveryReplyInOrder() throws Exception {
        try (TestServer server = TestServer.start(); RawClient client = new RawClient(server.port())) {
            // 1,000 ECHOs of 64 KB: 64 MB each way, far past the socket buffers and the high mark.
            ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
            byte[][] payloads = new byte[1000][];
            for (int i = 0; i < payloads.length; i++) {
                payloads[i] = new byte[64 * 1024];
                Arrays.fill(payloads[i], (byte) ('a' + i % 26));
                byte[] tag = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(tag, 0, payloads[i], 0, tag.length);
                pipeline.writeBytes(RawClient.encode("ECHO".getBytes(StandardCharsets.US_ASCII), payloads[i]));
            }
            client.sendRaw(pipeline.toByteArray()); // returns only once the server has read it all
            for (byte[] payload : payloads) {
                assertThat(RawClient.bulkBody(client.readReplyBytes())).isEqualTo(payload);
            }
            assertThat(client.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void repliesAClientDoesNotReadStopItsPipelineUntilItReads() throws Exception {
        try (TestServer server = TestServer.start();
             RawClient client = new RawClient(server.port());
             RawClient observer = new RawClient(server.port())) {
            byte[] value = new byte[MB];
            Arrays.fill(value, (byte) 'v');
            client.callBytes("SET".getBytes(StandardCharsets.US_ASCII), "big".getBytes(StandardCharsets.US_ASCII), value);
            String id = client.call("CLIENT", "ID").substring(1).trim();
            ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
            for (int i = 0; i < 200; i++) {
                pipeline.writeBytes(RawClient.encode("GET", "big"));
            }
            client.sendRaw(pipeline.toByteArray());

            Wait.until(Duration.ofSeconds(20), "replies to pile up past the 8 MB high mark",
                    () -> outputBytes(observer, id) >= 8L * MB);
            long executed = server.hub().stats().command("get").calls();
            assertThat(executed).as("GETs executed while nothing was read").isLessThan(200);
            assertThat(outputBytes(observer, id)).as("replies held for the client").isLessThan(12L * MB);

            for (int i = 0; i < 200; i++) {
                assertThat(RawClient.bulkBody(client.readReplyBytes())).isEqualTo(value);
            }
            assertThat(server.hub().stats().command("get").calls()).isEqualTo(200);
            assertThat(outputBytes(observer, id)).isZero();
        }
    }

    private static long outputBytes(RawClient observer, String id) {
        try {
            Matcher m = Pattern.compile("id=" + id + " .* omem=(\\d+) ").matcher(observer.call("CLIENT", "LIST"));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
