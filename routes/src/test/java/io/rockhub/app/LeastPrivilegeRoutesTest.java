package io.rockhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A server whose default user has a password and whose routes log in as their own least-privilege
 * users (the README's ready-made ones, from the ACL file): the TCP ingest stores a point as the
 * "ingest" user, which may only ZADD under metrics:*, and nothing it does is refused.
 */
class LeastPrivilegeRoutesTest {
    @Test
    void theIngestRouteWritesAsItsOwnUser() throws Exception {
        Path tmp = Files.createTempDirectory("rockhub-acl-routes");
        int ingestPort = RealRedis.freePort();
        try {
            Path acl = tmp.resolve("users.acl");
            Files.writeString(acl, "user default on #" + sha256("admin-pw") + " ~* &* +@all\n"
                    // +client|setinfo: Jedis names itself at connect (Redis 7.2's CLIENT SETINFO, which RockHub has).
                    + "user ingest on #" + sha256("ingest-pw") + " resetchannels -@all +zadd +client|setinfo %W~metrics:*\n");
            Path routes = tmp.resolve("routes.properties");
            Files.writeString(routes, "rockhub.tsdb.ingest.port=" + ingestPort + "\nrockhub.tsdb.redis.user=ingest\n"
                    + "rockhub.tsdb.redis.password=ingest-pw\n");
            try (ServerProcess server = ServerProcess.start(tmp.resolve("data"), "--aclfile", acl.toString(),
                    "--routes-config", routes.toString());
                 RawClient admin = new RawClient(server.port())) {
                assertThat(admin.call("PING")).startsWith("-NOAUTH");
                assertThat(admin.call("AUTH", "admin-pw")).isEqualTo("+OK\r\n");
                try (Socket ingest = new Socket("127.0.0.1", ingestPort); OutputStream out = ingest.getOutputStream()) {
                    out.write("pressure,entity=pump-7 value=3.5 1700000000000000000\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Awaitility.await("the ingested point").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                            .until(() -> admin.call("KEYS", "metrics:*").contains("pump-7"));
                }
                assertThat(admin.call("ACL", "LOG")).as("nothing the route did was refused").isEqualTo("*0\r\n");
            }
        } finally {
            TestServer.deleteTree(tmp);
        }
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
