package io.rockhub.resp.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Passwords and ACL rules never reach SLOWLOG, against Debian's redis-server: AUTH, HELLO ... AUTH,
 * ACL SETUSER and CONFIG SET of sensitive settings are logged with "(redacted)" where Redis puts it.
 * Compared: each entry's arguments (ids, times and client addresses differ by construction).
 */
class SensitiveArgumentsTest {
    @Test
    void slowLogHidesWhatRedisHides() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            List<String> redis = logged(servers.redisPort());
            assertThat(redis).contains("(redacted)").doesNotContain("secret", "sekrit");
            assertThat(logged(servers.rockhubPort())).isEqualTo(redis);
        }
    }

    private static List<String> logged(int port) throws Exception {
        try (RawClient c = new RawClient(port)) {
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            c.call("SLOWLOG", "RESET");
            c.call("ACL", "SETUSER", "bob", "on", ">secret", "~*", "+@all");
            c.call("AUTH", "bob", "secret");
            c.call("HELLO", "2", "AUTH", "bob", "secret", "SETNAME", "me");
            c.call("CONFIG", "SET", "masterauth", "sekrit", "maxclients", "100");
            c.call("CONFIG", "SET", "requirepass", "");
            c.call("SET", "k", "v");
            String log = c.call("SLOWLOG", "GET", "20");
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            List<String> args = new ArrayList<>();
            for (String line : log.split("\r\n")) {
                if (!line.startsWith("*") && !line.startsWith("$") && !line.startsWith(":") && !line.contains("127.0.0.1")) {
                    args.add(line);
                }
            }
            return args;
        }
    }
}
