package io.rockhub.resp.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import io.rockhub.resp.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What ACL changes do to connections, against Debian's redis-server: a deleted user's connections
 * close, a subscriber whose channels were taken away is closed, one that keeps them is not; real
 * clients (Jedis, Lettuce, redis-cli) log in as named users; ACL SAVE and LOAD round-trip the users
 * through the ACL file and the file is read at start.
 */
class AclConnectionsTest {
    @Test
    void deletedUsersAndRevokedSubscribersAreDisconnectedAsRedisDoes() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            assertThat(transcript(servers.rockhubPort())).isEqualTo(transcript(servers.redisPort()));
        }
    }

    private static List<String> transcript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RawClient admin = new RawClient(port)) {
            t.add(admin.call("ACL", "SETUSER", "sub", "on", ">pw", "~*", "resetchannels", "&news", "&alerts", "+@all"));
            t.add(admin.call("ACL", "SETUSER", "gone", "on", ">pw", "~*", "+@all"));
            RawClient keeps = new RawClient(port);
            RawClient loses = new RawClient(port);
            RawClient deleted = new RawClient(port);
            t.add(keeps.call("AUTH", "sub", "pw") + keeps.call("SUBSCRIBE", "alerts"));
            t.add(loses.call("AUTH", "sub", "pw") + loses.call("SUBSCRIBE", "news"));
            t.add(deleted.call("AUTH", "gone", "pw"));
            t.add(admin.call("ACL", "DELUSER", "gone", "nobody"));
            t.add("deleted user's connection closed: " + closed(deleted));
            t.add(admin.call("ACL", "SETUSER", "sub", "resetchannels", "&alerts"));
            t.add("subscriber to a revoked channel closed: " + closed(loses));
            t.add(admin.call("PUBLISH", "alerts", "still here"));
            t.add("the other gets the message: " + keeps.readReply());
            RawClient killed = new RawClient(port);
            t.add(killed.call("AUTH", "sub", "pw"));
            t.add(admin.call("CLIENT", "KILL", "USER", "sub") + admin.call("CLIENT", "KILL", "USER", "nosuch"));
            t.add("killed by user name: " + closed(killed));
            t.add(admin.call("ACL", "DELUSER", "default"));
            keeps.close();
        }
        return t;
    }

    private static boolean closed(RawClient c) throws IOException {
        try {
            return c.closedByServer();
        } finally {
            c.close();
        }
    }

    @Test
    void realClientsLogInAsNamedUsersAndSeeTheirRefusals() throws Exception {
        try (TestServer s = TestServer.start(); RawClient admin = new RawClient(s.port())) {
            admin.call("ACL", "SETUSER", "reader", "on", ">r3ad", "~app:*", "+@read", "+@connection", "+acl|whoami");
            admin.call("SET", "app:1", "one");
            try (Jedis jedis = new Jedis("127.0.0.1", s.port())) {
                jedis.auth("reader", "r3ad");
                assertThat(jedis.get("app:1")).isEqualTo("one");
                assertThatThrownBy(() -> jedis.set("app:1", "x")).isInstanceOf(JedisDataException.class)
                        .hasMessage("NOPERM this user has no permissions to run the 'set' command");
                assertThatThrownBy(() -> jedis.get("other")).isInstanceOf(JedisDataException.class)
                        .hasMessage("NOPERM this user has no permissions to access one of the keys used as arguments");
                assertThat(jedis.aclWhoAmI()).isEqualTo("reader");
            }
            RedisClient lettuce = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(s.port())
                    .withAuthentication("reader", "r3ad".toCharArray()).build());
            try (StatefulRedisConnection<String, String> c = lettuce.connect()) { // HELLO 3 AUTH reader r3ad
                assertThat(c.sync().get("app:1")).isEqualTo("one");
            } finally {
                lettuce.shutdown(0, 5, TimeUnit.SECONDS);
            }
            Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(s.port()), "--user", "reader", "--pass",
                    "r3ad", "--no-auth-warning", "GET", "app:1").redirectErrorStream(true).start();
            assertThat(new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one\n");
            assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(admin.call("ACL", "LOG", "1")).contains("reason", "key", "object", "other", "username", "reader");
        }
    }

    @Test
    void aclSaveAndLoadRoundTripTheUsersThroughTheAclFile() throws Exception {
        Path dir = Files.createTempDirectory("rockhub-acl");
        Path file = dir.resolve("users.acl");
        Files.writeString(file, "user default on nopass ~* &* +@all\nuser app on #"
                + io.rockhub.resp.acl.User.hash("s3cret") + " ~app:* resetchannels -@all +get +set\n");
        try {
            try (TestServer s = TestServer.start(Map.of("aclfile", file.toString())); RawClient c = new RawClient(s.port())) {
                assertThat(c.call("AUTH", "app", "s3cret")).isEqualTo("+OK\r\n");
                assertThat(c.call("SET", "app:1", "v")).isEqualTo("+OK\r\n");
                assertThat(c.call("DEL", "app:1")).startsWith("-NOPERM");
                try (RawClient admin = new RawClient(s.port())) {
                    assertThat(admin.call("ACL", "SETUSER", "ops", "on", ">o", "+@all", "~*")).isEqualTo("+OK\r\n");
                    assertThat(admin.call("ACL", "SAVE")).isEqualTo("+OK\r\n");
                    Files.writeString(file, Files.readString(file) + "user broken on +nosuchcommand\n");
                    assertThat(admin.call("ACL", "LOAD")).isEqualTo("-ERR " + file + ":4: Unknown command or category name"
                            + " in ACL. WARNING: ACL errors detected, no change to the previously active ACL rules was"
                            + " performed\r\n");
                    assertThat(admin.call("ACL", "USERS")).isEqualTo("*3\r\n$3\r\napp\r\n$7\r\ndefault\r\n$3\r\nops\r\n");
                }
            }
            assertThat(Files.readString(file)).contains("user ops on #");
        } finally {
            TestServer.deleteTree(dir);
        }
    }
}
