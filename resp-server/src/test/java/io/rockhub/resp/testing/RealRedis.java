package io.rockhub.resp.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's redis-server (Redis 7.0), started on a free port as the reference implementation.
 * {@code .ci/run} installs it; a missing binary fails the test with the install command.
 */
public final class RealRedis implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RealRedis(List<String> extraArgs) throws Exception {
        this.port = freePort();
        this.dir = Files.createTempDirectory("redis-ref");
        List<String> cmd = new ArrayList<>(List.of(binary(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no", "--loglevel", "warning"));
        cmd.addAll(extraArgs);
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        Wait.until(Duration.ofSeconds(10), "redis-server to accept connections", () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    public static RealRedis start(String... extraArgs) throws Exception {
        return new RealRedis(List.of(extraArgs));
    }

    public static String binary() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("redis-server not found: install it with 'apt-get install -y redis-server "
                + "redis-tools' (.ci/run does this)");
    }

    public int port() {
        return port;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
        TestServer.deleteTree(dir);
    }
}
