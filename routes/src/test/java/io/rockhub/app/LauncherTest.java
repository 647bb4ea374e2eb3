package io.rockhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.config.ConfigException;
import io.rockhub.resp.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class LauncherTest {
    @Test
    void commandLinePairsBecomeSettings() throws Exception {
        assertThat(RockHubMain.pairs(List.of("--port", "7000", "--bind", "127.0.0.1", "::1", "--requirepass", "s3cret")))
                .containsEntry("port", "7000").containsEntry("bind", "127.0.0.1 ::1").containsEntry("requirepass", "s3cret");
        assertThatThrownBy(() -> RockHubMain.pairs(List.of("--nosuch", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--nosuch");
    }

    private static String runExpectingFailure(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RockHubMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        return out;
    }

    @Test
    void unknownKeyOrBadValueStopsStartUpNamingTheKey() throws Exception {
        assertThat(runExpectingFailure("--prot", "7000")).contains("--prot").contains("unknown configuration key");
        assertThat(runExpectingFailure("--port", "abc")).contains("port").contains("integer");
        Path conf = Files.createTempFile("rockhub", ".conf");
        Files.writeString(conf, "rocksdb.write_buffer_size lots\n");
        assertThat(runExpectingFailure("--config", conf.toString()))
                .contains("rocksdb.write_buffer_size").contains("line 1");
        Files.delete(conf);
    }

    @Test
    void configFileAndBannerReportAddressDirectoryAndDurability() throws Exception {
        Path dir = Files.createTempDirectory("rockhub-launch");
        Path conf = dir.resolve("rockhub.conf");
        Files.writeString(conf, "requirepass s3cret\nrocksdb.write_options.sync no\n");
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--config", conf.toString())) {
            assertThat(server.output()).containsPattern("RockHub \\S+ ready on 127\\.0\\.0\\.1:\\d+, data in \\S+data, "
                    + "durability relaxed");
            try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                j.auth("s3cret");
                assertThat(j.configGet("rocksdb.write_options.sync")).containsEntry("rocksdb.write_options.sync", "no");
                j.configSet("rocksdb.write_options.sync", "yes");
                assertThat(j.info("persistence")).contains("durability:sync");
                assertThat(j.configRewrite()).isEqualTo("OK");
            }
            assertThat(Files.readString(conf)).contains("rocksdb.write_options.sync yes").contains("requirepass s3cret");
        } finally {
            TestServer.deleteTree(dir);
        }
    }
}
