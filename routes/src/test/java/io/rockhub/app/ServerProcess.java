package io.rockhub.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RockHub started as a separate JVM, as an operator runs it, so tests can kill it with SIGKILL.
 * The port is read from the banner line ("ready on 127.0.0.1:PORT").
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready on [^:]+:(\\d+)");

    private final Process process;
    private final int port;
    private final StringBuilder output = new StringBuilder();

    private final Path tmp;

    private ServerProcess(Process process, int port, Path tmp) {
        this.process = process;
        this.port = port;
        this.tmp = tmp;
    }

    /**
     * Starts the server on {@code dir}. A port the test chose (to restart a server where its clients
     * and replicas expect it) may still be held for a moment by the process before, or taken by
     * another test: a start that fails to bind is retried for up to 30 s.
     */
    static ServerProcess start(Path dir, String... extra) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return startOnce(dir, extra);
            } catch (BindFailed e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("server could not bind its port for 30 s:\n" + e.getMessage());
                }
                Thread.sleep(200); // back-off between attempts to bind, not a wait for a result
            }
        }
    }

    private static final class BindFailed extends Exception {
        BindFailed(String output) {
            super(output);
        }
    }

    private static ServerProcess startOnce(Path dir, String... extra) throws Exception {
        // RocksJava unpacks its 15 MB native library into java.io.tmpdir at every start and a killed
        // process never removes it: each process gets its own temporary directory, deleted on close.
        Path tmp = Files.createTempDirectory("rockhub-proc-tmp");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), RockHubMain.class.getName(),
                "--port", "0", "--dir", dir.toString(), "--rocksdb.block_cache_size", "16"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    synchronized (seen) {
                        seen.append(line).append('\n');
                    }
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        return Integer.parseInt(m.group(1));
                    }
                }
                return -1;
            } catch (IOException e) {
                return -1;
            }
        });
        int bound = port.get(60, TimeUnit.SECONDS);
        if (bound < 0) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            deleteTree(tmp);
            String output;
            synchronized (seen) {
                output = seen.toString();
            }
            if (output.contains("Address already in use")) {
                throw new BindFailed(output);
            }
            throw new IllegalStateException("server did not start:\n" + output);
        }
        ServerProcess sp = new ServerProcess(p, bound, tmp);
        sp.output.append(seen);
        Thread drain = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    synchronized (sp.output) {
                        sp.output.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        drain.setDaemon(true);
        drain.start();
        return sp;
    }

    private static void deleteTree(Path dir) {
        io.rockhub.resp.testing.TestServer.deleteTree(dir);
    }

    int port() {
        return port;
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** SIGKILL: no shutdown hook, no flush: only what reached the WAL survives. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean waitForExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        deleteTree(tmp);
    }
}
