package io.rockhub.resp.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestCertificates;
import io.rockhub.resp.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Debian's redis-server with TLS and RockHub given the same certificates, sent the same seeded
 * sequence of CONFIG SET and CONFIG GET of the tls-* settings (good values, missing files, unknown
 * protocols and ciphers, a taken port) on the plain port and the same commands on TLS
 * connections, with and without a client certificate: every reply compared. Port numbers, which
 * differ by construction, are the one thing normalised.
 */
class TlsDifferentialTest {
    @Test
    void tlsSettingsAndConnectionsAnswerAsRedisDoes() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        try (TestCertificates certs = TestCertificates.create(); ServerSocket taken = new ServerSocket(0)) {
            int redisTls = RealRedis.freePort();
            List<String> redisArgs = new ArrayList<>();
            for (Map.Entry<String, String> e : certs.serverSettings(redisTls).entrySet()) {
                redisArgs.add("--" + e.getKey());
                redisArgs.add(e.getValue());
            }
            try (RealRedis redis = RealRedis.start(redisArgs.toArray(String[]::new));
                 TestServer rockhub = TestServer.start(settings(certs))) {
                List<String[]> steps = steps(certs, taken.getLocalPort(), new Random(seed));
                List<String> expected = transcript(redis.port(), redisTls, steps, certs);
                List<String> actual = transcript(rockhub.port(), rockhub.hub().tls().port(), steps, certs);
                for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
                    assertThat(actual.get(i)).as("step %d of seed %d (rerun with -Dseed=%d), after %s", i, seed, seed,
                            expected.subList(Math.max(0, i - 5), i)).isEqualTo(expected.get(i));
                }
                assertThat(actual).hasSameSizeAs(expected);
            }
        }
    }

    private static Map<String, String> settings(TestCertificates certs) throws IOException {
        Map<String, String> s = certs.serverSettings(RealRedis.freePort());
        s.put("port", Integer.toString(RealRedis.freePort()));
        return s;
    }

    private static List<String[]> steps(TestCertificates certs, int takenPort, Random random) {
        List<String[]> pool = new ArrayList<>(List.of(
                new String[] {"CONFIG", "SET", "tls-cert-file", certs.path("missing.crt").toString()},
                new String[] {"CONFIG", "SET", "tls-key-file", certs.path("server2.key").toString()},
                new String[] {"CONFIG", "SET", "tls-cert-file", certs.path("server2.crt").toString(),
                        "tls-key-file", certs.path("server2.key").toString()},
                new String[] {"CONFIG", "SET", "tls-cert-file", certs.path("server.crt").toString(),
                        "tls-key-file", certs.path("server.key").toString()},
                new String[] {"CONFIG", "SET", "tls-protocols", "SSLv3"},
                new String[] {"CONFIG", "SET", "tls-protocols", "TLSv1.2 TLSv1.3"},
                new String[] {"CONFIG", "SET", "tls-protocols", "tlsv1.3"},
                new String[] {"CONFIG", "SET", "tls-ciphers", "NOT-A-CIPHER"},
                new String[] {"CONFIG", "SET", "tls-ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384"},
                new String[] {"CONFIG", "SET", "tls-ciphers", ""},
                new String[] {"CONFIG", "SET", "tls-ca-cert-file", certs.path("missing-ca.crt").toString()},
                new String[] {"CONFIG", "SET", "tls-ca-cert-file", "", "tls-ca-cert-dir", certs.path("ca-dir").toString()},
                new String[] {"CONFIG", "SET", "tls-ca-cert-file", "", "tls-ca-cert-dir", certs.path("unhashed-ca-dir").toString()},
                new String[] {"CONFIG", "SET", "tls-ca-cert-file", certs.path("ca.crt").toString()},
                new String[] {"CONFIG", "SET", "tls-auth-clients", "optional"},
                new String[] {"CONFIG", "SET", "tls-auth-clients", "yes"},
                new String[] {"CONFIG", "SET", "tls-auth-clients", "maybe"},
                new String[] {"CONFIG", "SET", "tls-prefer-server-ciphers", "yes"},
                new String[] {"CONFIG", "SET", "tls-session-caching", "no"},
                new String[] {"CONFIG", "SET", "tls-session-cache-size", "-1"},
                new String[] {"CONFIG", "SET", "tls-port", Integer.toString(takenPort)},
                new String[] {"CONFIG", "GET", "tls-*"},
                new String[] {"TLS", "PING"},
                new String[] {"TLS", "SET", "k", "v"},
                new String[] {"TLS", "GET", "k"},
                new String[] {"TLS-NO-CERT", "PING"}));
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            out.add(pool.get(random.nextInt(pool.size())));
        }
        out.add(new String[] {"CONFIG", "GET", "tls-*"});
        return out;
    }

    private static List<String> transcript(int port, int tlsPort, List<String[]> steps, TestCertificates certs)
            throws Exception {
        List<String> t = new ArrayList<>();
        try (RawClient admin = new RawClient(port)) {
            for (String[] step : steps) {
                String reply;
                if (step[0].startsWith("TLS")) {
                    reply = overTls(tlsPort, certs.clientContext(step[0].equals("TLS")), List.of(step).subList(1, step.length));
                } else {
                    reply = admin.call(step);
                    if (step[1].equals("GET")) {
                        reply = sortedPairs(reply);
                    }
                }
                String dir = certs.path("").toString();
                t.add(String.join(" ", step).replace(dir, "<certs>") + " => "
                        + reply.replace(Integer.toString(tlsPort), "<tls-port>").replace(dir, "<certs>"));
            }
        }
        return t;
    }

    private static String overTls(int port, SSLContext ctx, List<String> command) {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            try (RawClient c = new RawClient(s)) {
                return c.call(command.toArray(String[]::new));
            }
        } catch (IOException e) {
            return "connection refused by the server";
        }
    }

    /** CONFIG GET's pairs in name order (Redis answers them in its dictionary's order). */
    private static String sortedPairs(String reply) {
        String[] lines = reply.split("\r\n", -1);
        List<String> pairs = new ArrayList<>();
        for (int i = 1; i + 3 < lines.length; i += 4) {
            pairs.add(lines[i + 1] + "=" + lines[i + 3]);
        }
        Collections.sort(pairs);
        return lines[0] + " " + pairs;
    }
}
