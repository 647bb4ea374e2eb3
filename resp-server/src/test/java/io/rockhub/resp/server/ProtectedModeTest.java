package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Protected mode against Debian's redis-server, both bound to every address and reached through
 * this machine's own non-loopback address: without a password the connection gets Redis's DENIED
 * explanation and is closed; with a password, or with protected mode off, it is served. Every
 * reply compared byte for byte.
 */
class ProtectedModeTest {
    @Test
    void connectionsFromOutsideTheLoopbackAreRefusedAsRedisRefusesThem() throws Exception {
        InetAddress outside = nonLoopbackAddress();
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of("bind", "0.0.0.0"), "--bind", "0.0.0.0",
                "--protected-mode", "yes")) {
            assertThat(transcript(servers.rockhubPort(), outside)).isEqualTo(transcript(servers.redisPort(), outside));
        }
    }

    private static List<String> transcript(int port, InetAddress outside) throws IOException {
        List<String> t = new ArrayList<>();
        try (RawClient local = new RawClient(port)) {
            t.add("outside, no password: " + outsideSays(outside, port, "PING"));
            t.add("loopback: " + local.call("PING"));
            t.add(local.call("CONFIG", "SET", "requirepass", "s3cret"));
            t.add("outside, password set: " + outsideSays(outside, port, "PING"));
            t.add("outside, authenticated: " + outsideSays(outside, port, "AUTH", "s3cret"));
            t.add(local.call("AUTH", "s3cret"));
            t.add(local.call("CONFIG", "SET", "requirepass", ""));
            t.add(local.call("CONFIG", "SET", "protected-mode", "no"));
            t.add("outside, protected mode off: " + outsideSays(outside, port, "PING"));
            t.add(local.call("CONFIG", "SET", "protected-mode", "yes"));
            t.add("outside, on again: " + outsideSays(outside, port, "PING"));
            t.add("rejected_connections:" + local.call("INFO", "stats").lines()
                    .filter(l -> l.startsWith("rejected_connections:")).findFirst().orElse("?").substring(21));
        }
        return t;
    }

    /**
     * Connects from {@code outside} and listens first: a refused connection is told at once, and
     * sending into a connection the server is closing could reset it before the explanation is read
     * (Redis closes at once). Otherwise sends one command and reads its reply.
     */
    private static String outsideSays(InetAddress outside, int port, String... command) throws IOException {
        try (Socket s = new Socket(outside, port)) {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            s.setSoTimeout(300);
            if (readUntilClosed(in, got)) {
                return got.toString(StandardCharsets.UTF_8) + " [closed]";
            }
            if (got.size() > 0) {
                return got.toString(StandardCharsets.UTF_8) + " [open]";
            }
            s.getOutputStream().write(RawClient.encode(command));
            s.setSoTimeout(5_000);
            int b;
            while (!got.toString(StandardCharsets.UTF_8).endsWith("\r\n") && (b = in.read()) >= 0) {
                got.write(b); // these replies are one line each
            }
            s.setSoTimeout(200); // then the server closes at once, or keeps the connection
            boolean closed = readUntilClosed(in, got);
            return got.toString(StandardCharsets.UTF_8) + (closed ? " [closed]" : " [open]");
        }
    }

    /** Reads what comes until the server closes (true) or stays silent past the timeout (false). */
    private static boolean readUntilClosed(InputStream in, ByteArrayOutputStream got) throws IOException {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
            return true;
        } catch (java.net.SocketTimeoutException silent) {
            return false;
        }
    }

    /** This machine's first IPv4 address that is not loopback (CI machines have one on their network interface). */
    static InetAddress nonLoopbackAddress() throws IOException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        throw new IllegalStateException("this machine has no non-loopback IPv4 address to connect from");
    }
}
