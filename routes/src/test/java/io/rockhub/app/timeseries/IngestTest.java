package io.rockhub.app.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.resps.Tuple;

/** Collectors push InfluxDB line protocol and Graphite lines over TCP; bad lines do not stop good ones. */
class IngestTest {
    @Test
    void lineProtocolAndGraphiteLinesLandInTheirBuffersAndMalformedOnesAreSkipped() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int port = RealRedis.freePort();
        try (TestServer server = TestServer.start();
             JedisPooled pool = new JedisPooled("127.0.0.1", server.port());
             CamelContext camel = new DefaultCamelContext()) {
            Ingest ingest = new Ingest(SeriesTemplate.parse("metrics:{entity}:{metric}"), pool, registry);
            camel.addRoutes(ingest.route("127.0.0.1", port));
            camel.start();
            try (Socket s = new Socket("127.0.0.1", port); OutputStream out = s.getOutputStream()) {
                out.write(String.join("\n",
                        "pressure,entity=pump-7 value=3.25 1795272000000000000",
                        "this is not a point at all",
                        "pump-7.temperature 71.5 1795272001",
                        "flow,entity=valve-2 value=oops 1795272002000000000",
                        "flow,entity=valve-2 value=12i,peak=19.5 1795272003000000000",
                        "").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            Awaitility.await("points stored").atMost(Duration.ofSeconds(20))
                    .until(() -> registry.counter("rockhub.tsdb.ingested").count() >= 4
                            && registry.counter("rockhub.tsdb.ingest.malformed").count() >= 2);
            try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                assertThat(j.zrangeWithScores("metrics:pump-7:pressure", 0, -1))
                        .containsExactly(new Tuple("1795272000000:3.25", 1795272000000d));
                assertThat(j.zrange("metrics:pump-7:temperature", 0, -1)).containsExactly("1795272001000:71.5");
                assertThat(j.zrange("metrics:valve-2:flow", 0, -1)).containsExactly("1795272003000:12.0");
                assertThat(j.zrange("metrics:valve-2:flow_peak", 0, -1)).containsExactly("1795272003000:19.5");
            }
            assertThat(registry.counter("rockhub.tsdb.ingest.malformed").count()).isEqualTo(2);
            assertThat(TimeSeriesExporter.value("1795272003000:12.0")).isEqualTo(12.0);
        }
    }
}
