package io.rockhub.resp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestCertificates;
import io.rockhub.resp.testing.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The TLS port with real clients, unchanged: redis-cli with --tls and client certificates, Jedis
 * and Lettuce with theirs; client certificates required, optional or not asked for; certificates
 * swapped by CONFIG SET for new connections; protocols, encrypted keys, a CA directory.
 */
class TlsTest {
    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create();
    }

    @AfterAll
    static void removeCertificates() {
        certs.close();
    }

    private static TestServer server(Map<String, String> extra) throws Exception {
        Map<String, String> settings = certs.serverSettings(RealRedis.freePort());
        settings.put("port", Integer.toString(RealRedis.freePort()));
        settings.putAll(extra);
        return TestServer.start(settings);
    }

    private static int tlsPort(TestServer s) {
        return s.hub().tls().port();
    }

    private static SSLSocket connect(int port, SSLContext ctx, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    @Test
    void redisCliJedisAndLettuceTalkOverTlsWithClientCertificatesBesideThePlainPort() throws Exception {
        try (TestServer s = server(Map.of())) {
            String out = cli(tlsPort(s), "--tls", "--cacert", certs.path("ca.crt").toString(), "--cert",
                    certs.path("client.crt").toString(), "--key", certs.path("client.key").toString(), "SET", "k", "v");
            assertThat(out).isEqualTo("OK\n");

            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", tlsPort(s)), DefaultJedisClientConfig.builder()
                    .ssl(true).sslSocketFactory(certs.clientContext(true).getSocketFactory()).build())) {
                assertThat(jedis.get("k")).isEqualTo("v");
                jedis.set("from-jedis", "1");
            }

            RedisClient lettuce = RedisClient.create(RedisURI.builder().withHost("localhost").withPort(tlsPort(s))
                    .withSsl(true).build());
            lettuce.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                    .trustManager(certs.path("ca.crt").toFile())
                    .keyManager(certs.path("client.crt").toFile(), certs.path("client.key").toFile(), null)
                    .build()).build());
            try (StatefulRedisConnection<String, String> c = lettuce.connect()) {
                assertThat(c.sync().get("from-jedis")).isEqualTo("1"); // Lettuce also verified the host name
            } finally {
                lettuce.shutdown(0, 5, TimeUnit.SECONDS);
            }

            try (RawClient plain = new RawClient(s.port())) {
                assertThat(plain.call("GET", "k")).isEqualTo("$1\r\nv\r\n");
            }
        }
    }

    @Test
    void aClientWithoutACertificateIsRefusedUntilTheyAreOptional() throws Exception {
        try (TestServer s = server(Map.of())) {
            String refused = cli(tlsPort(s), "--tls", "--cacert", certs.path("ca.crt").toString(), "PING");
            assertThat(refused).doesNotContain("PONG");
            assertThatThrownBy(() -> {
                try (RawClient c = new RawClient(connect(tlsPort(s), certs.clientContext(false)))) {
                    c.call("PING"); // TLS 1.3: the server's refusal arrives after the client's handshake
                }
            }).isInstanceOf(IOException.class);

            try (RawClient admin = new RawClient(s.port())) {
                assertThat(admin.call("CONFIG", "SET", "tls-auth-clients", "optional")).isEqualTo("+OK\r\n");
            }
            try (RawClient c = new RawClient(connect(tlsPort(s), certs.clientContext(false)))) {
                assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            }
            try (RawClient c = new RawClient(connect(tlsPort(s), certs.clientContext(true)))) {
                assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            }
        }
    }

    @Test
    void noClientCertificateIsAskedForWhenAuthClientsIsNo() throws Exception {
        try (TestServer s = server(Map.of("tls-auth-clients", "no"))) {
            assertThat(cli(tlsPort(s), "--tls", "--cacert", certs.path("ca.crt").toString(), "PING")).isEqualTo("PONG\n");
        }
    }

    @Test
    void configSetSwapsTheCertificateForNewConnectionsAndKeepsTheOldOnesOpen() throws Exception {
        try (TestServer s = server(Map.of()); RawClient admin = new RawClient(s.port())) {
            SSLSocket before = connect(tlsPort(s), certs.clientContext(true));
            assertThat(peerName(before)).isEqualTo("CN=localhost");
            try (RawClient old = new RawClient(before)) {
                assertThat(admin.call("CONFIG", "SET", "tls-cert-file", certs.path("server2.crt").toString(),
                        "tls-key-file", certs.path("server2.key").toString())).isEqualTo("+OK\r\n");
                try (SSLSocket after = connect(tlsPort(s), certs.clientContext(true))) {
                    assertThat(peerName(after)).isEqualTo("CN=localhost-2");
                }
                assertThat(old.call("PING")).isEqualTo("+PONG\r\n");
            }

            // A certificate that cannot load leaves the running one, and every setting, as they were.
            assertThat(admin.call("CONFIG", "SET", "tls-cert-file", certs.path("missing.crt").toString()))
                    .isEqualTo("-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update"
                            + " TLS configuration. Check server logs.\r\n");
            assertThat(admin.call("CONFIG", "GET", "tls-cert-file")).contains("server2.crt");
            try (SSLSocket after = connect(tlsPort(s), certs.clientContext(true))) {
                assertThat(peerName(after)).isEqualTo("CN=localhost-2");
            }
        }
    }

    @Test
    void configSetMovesTheTlsPortAndZeroClosesIt() throws Exception {
        try (TestServer s = server(Map.of()); RawClient admin = new RawClient(s.port())) {
            int first = tlsPort(s);
            int second = RealRedis.freePort();
            assertThat(admin.call("CONFIG", "SET", "tls-port", Integer.toString(second))).isEqualTo("+OK\r\n");
            try (RawClient c = new RawClient(connect(second, certs.clientContext(true)))) {
                assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            }
            assertThatThrownBy(() -> new Socket("127.0.0.1", first).close()).isInstanceOf(IOException.class);
            assertThat(admin.call("CONFIG", "SET", "tls-port", "0")).isEqualTo("+OK\r\n");
            assertThatThrownBy(() -> new Socket("127.0.0.1", second).close()).isInstanceOf(IOException.class);
        }
    }

    @Test
    void portZeroBesideATlsPortListensOnTlsOnly() throws Exception {
        Map<String, String> settings = certs.serverSettings(RealRedis.freePort());
        settings.put("port", "0");
        try (TestServer s = TestServer.start(settings)) {
            assertThat(s.port()).isZero();
            try (RawClient c = new RawClient(connect(tlsPort(s), certs.clientContext(true)))) {
                assertThat(c.call("SET", "k", "v")).isEqualTo("+OK\r\n");
            }
        }
    }

    @Test
    void tlsProtocolsLimitWhatClientsMayNegotiate() throws Exception {
        try (TestServer s = server(Map.of("tls-protocols", "TLSv1.3"))) {
            assertThatThrownBy(() -> connect(tlsPort(s), certs.clientContext(true), "TLSv1.2").close())
                    .isInstanceOf(IOException.class);
            try (SSLSocket ok = connect(tlsPort(s), certs.clientContext(true), "TLSv1.3")) {
                assertThat(ok.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
        }
    }

    @Test
    void anEncryptedKeyWithItsPassphraseAndACaDirectoryWork() throws Exception {
        try (TestServer s = server(Map.of("tls-key-file", certs.path("server-enc.key").toString(),
                "tls-key-file-pass", TestCertificates.KEY_PASS, "tls-ca-cert-file", "",
                "tls-ca-cert-dir", certs.path("ca-dir").toString()));
             RawClient c = new RawClient(connect(tlsPort(s), certs.clientContext(true)))) {
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void aServerWhoseCertificateCannotLoadDoesNotStart() {
        assertThatThrownBy(() -> server(Map.of("tls-key-file", certs.path("missing.key").toString())).close())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Failed to configure TLS");
        assertThatThrownBy(() -> server(Map.of("tls-ca-cert-file", "")).close())
                .hasMessageContaining("Either tls-ca-cert-file or tls-ca-cert-dir must be specified");
        assertThatThrownBy(() -> server(Map.of("tls-protocols", "SSLv3")).close())
                .hasMessageContaining("Invalid tls-protocols specified");
    }

    private static String peerName(SSLSocket s) throws IOException {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    static String cli(int port, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
