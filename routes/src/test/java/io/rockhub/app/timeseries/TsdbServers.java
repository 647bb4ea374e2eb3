package io.rockhub.app.timeseries;

import io.rockhub.resp.testing.RealRedis;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * Debian's prometheus (with the remote-write receiver) and influxd 1.6, started by the tests on
 * free ports of 127.0.0.1 with their data in a temporary directory; {@code .ci/run} installs them.
 */
public final class TsdbServers {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One server process, restartable on the same port and data. */
    public static final class Server implements AutoCloseable {
        private final List<String> command;
        private final Path log;
        private final String readyUrl;
        private final int port;
        private Process process;

        Server(List<String> command, Path log, int port, String readyPath) {
            this.command = command;
            this.log = log;
            this.port = port;
            this.readyUrl = "http://127.0.0.1:" + port + readyPath;
        }

        public String url() {
            return "http://127.0.0.1:" + port;
        }

        public Server start() throws IOException {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Awaitility.await(command.get(0) + " ready").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(readyUrl)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2);
            return this;
        }

        void stop() throws InterruptedException {
            if (process != null) {
                process.destroy();
                process.waitFor();
                process = null;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    static String binary(String name) {
        for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        throw new IllegalStateException(name + " is not installed: apt-get install -y prometheus influxdb (.ci/run does)");
    }

    static Server prometheus(Path dir) throws IOException {
        return prometheus(dir, "");
    }

    /** Prometheus with extra configuration appended (e.g. scrape_configs). */
    public static Server prometheus(Path dir, String extraConfig) throws IOException {
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 15s\n" + extraConfig);
        int port = RealRedis.freePort();
        return new Server(List.of(binary("prometheus"), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--web.enable-remote-write-receiver"),
                dir.resolve("log"), port, "/-/ready");
    }

    static Server influx(Path dir) throws IOException {
        Files.createDirectories(dir);
        int port = RealRedis.freePort();
        int rpc = RealRedis.freePort();
        Path config = dir.resolve("influxdb.conf");
        Files.writeString(config, String.join("\n", "reporting-disabled = true",
                "bind-address = \"127.0.0.1:" + rpc + "\"", "[meta]", "  dir = \"" + dir.resolve("meta") + "\"",
                "[data]", "  dir = \"" + dir.resolve("data") + "\"", "  wal-dir = \"" + dir.resolve("wal") + "\"",
                "[http]", "  bind-address = \"127.0.0.1:" + port + "\"", "  log-enabled = false", ""));
        return new Server(List.of(binary("influxd"), "-config", config.toString()), dir.resolve("log"), port, "/ping");
    }

    public static String get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String post(String url, String form) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    public static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
