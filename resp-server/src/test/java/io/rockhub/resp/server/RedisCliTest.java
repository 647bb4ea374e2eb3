package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Debian's redis-cli (installed by .ci/run) against the server. */
class RedisCliTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String cli(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(server.port())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void commandsFromArguments() throws Exception {
        assertThat(cli(null, "SET", "cli:k", "hello")).isEqualTo("OK\n");
        assertThat(cli(null, "GET", "cli:k")).isEqualTo("hello\n");
        assertThat(cli(null, "INCR", "cli:n")).isEqualTo("1\n");
        assertThat(cli(null, "--no-raw", "GET", "cli:nope")).isEqualTo("(nil)\n");
        assertThat(cli(null, "--no-raw", "INCR", "cli:k")).isEqualTo("(error) ERR value is not an integer or out of range\n");
    }

    @Test
    void scriptedInputAndScanMode() throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            script.append("SET bulk:").append(i).append(" v").append(i).append('\n');
        }
        assertThat(cli(script.toString())).isEqualTo("OK\n".repeat(50));
        String scanned = cli(null, "--scan", "--pattern", "bulk:*");
        assertThat(scanned.lines().distinct().count()).isEqualTo(50);
    }

    @Test
    void resp3ModeAndInfo() throws Exception {
        assertThat(cli(null, "-3", "--no-raw", "CONFIG", "GET", "maxclients")).isEqualTo("1# \"maxclients\" => \"10000\"\n");
        assertThat(cli(null, "INFO", "server")).contains("redis_version:7.0.15").contains("rockhub_version:");
        assertThat(cli(null, "--no-raw", "PING")).isEqualTo("PONG\n");
    }
}
