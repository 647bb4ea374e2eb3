package io.rockhub.connectors.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/** The rockhub-stream component against RockHub and against a real Redis: the same behaviour on both. */
class RockHubStreamComponentTest {
    private static TestServer rockhub;
    private static RealRedis redis;

    @BeforeAll
    static void servers() throws Exception {
        rockhub = TestServer.start();
        redis = RealRedis.start();
    }

    @AfterAll
    static void stop() throws Exception {
        rockhub.close();
        redis.close();
    }

    private static int port(String server) {
        return server.equals("rockhub") ? rockhub.port() : redis.port();
    }

    private static String uri(String server, String streams, String options) {
        return "rockhub-stream:" + streams + "?host=127.0.0.1&port=" + port(server) + "&blockMillis=100" + options;
    }

    private static CamelContext camel(RouteBuilder routes) throws Exception {
        CamelContext ctx = new DefaultCamelContext();
        ctx.addRoutes(routes);
        ctx.start();
        return ctx;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rockhub", "redis"})
    void aGroupConsumerDeliversEveryEntryOnceAndAcknowledgesIt(String server) throws Exception {
        String stream = "orders:" + System.nanoTime();
        List<Exchange> got = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = camel(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").to(uri(server, stream, ""));
                from(uri(server, stream, "&group=billing&consumerName=w1")).process(got::add);
            }
        })) {
            ProducerTemplate producer = ctx.createProducerTemplate();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> groupExists(server, stream, "billing"));
            for (int i = 0; i < 50; i++) {
                Exchange sent = producer.request("direct:in", e -> e.getMessage().setBody(Map.of("n", e.getExchangeId())));
                assertThat(sent.getMessage().getHeader(RockHubStreamConstants.ENTRY_ID, String.class)).matches("\\d+-\\d+");
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 50);
            assertThat(got).hasSize(50);
            assertThat(got).extracting(e -> e.getMessage().getHeader(RockHubStreamConstants.ENTRY_ID)).doesNotHaveDuplicates();
            Exchange first = got.get(0);
            assertThat(first.getMessage().getHeader(RockHubStreamConstants.STREAM)).isEqualTo(stream);
            assertThat(first.getMessage().getHeader(RockHubStreamConstants.DELIVERY_COUNT)).isEqualTo(1L);
            assertThat(first.getMessage().getBody(Map.class)).containsKey("n");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pending(server, stream, "billing") == 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rockhub", "redis"})
    void producerAndConsumerWorkAsTheReadyMadeLeastPrivilegeUsers(String server) throws Exception {
        String stream = "orders:" + System.nanoTime();
        // The README's users: a producer may only add to orders:*, a group consumer only read and acknowledge.
        // Jedis names itself at connect with CLIENT SETINFO (Redis 7.2's, which RockHub has and Redis 7.0 has not).
        String setinfo = server.equals("rockhub") ? "+client|setinfo" : "+ping";
        try (Jedis admin = new Jedis("127.0.0.1", port(server))) {
            admin.aclSetUser("orders-producer", "reset", "on", ">p-pw", "+xadd", setinfo, "%W~orders:*");
            admin.aclSetUser("orders-consumer", "reset", "on", ">c-pw", "+xreadgroup", "+xack", "+xgroup|create",
                    "+xautoclaim", "+xpending", "+client|setname", setinfo, "~orders:*");
            admin.aclLogReset();
        }
        List<Exchange> got = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = camel(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").to(uri(server, stream, "&username=orders-producer&password=p-pw"));
                from(uri(server, stream, "&group=billing&consumerName=w1&username=orders-consumer&password=c-pw"))
                        .process(got::add);
            }
        })) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> groupExists(server, stream, "billing"));
            ProducerTemplate producer = ctx.createProducerTemplate();
            for (int i = 0; i < 10; i++) {
                producer.sendBody("direct:in", Map.of("n", Integer.toString(i)));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 10);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pending(server, stream, "billing") == 0);
        }
        try (io.rockhub.resp.testing.RawClient admin = new io.rockhub.resp.testing.RawClient(port(server))) {
            // Raw: Jedis 5 reads ACL LOG entries with Redis 7.2's extra fields.
            assertThat(admin.call("ACL", "LOG")).as("nothing the routes did was refused").isEqualTo("*0\r\n");
        }
    }

    @org.junit.jupiter.api.Test
    void producerAndConsumerTalkOverTlsWithAClientCertificate() throws Exception {
        try (io.rockhub.resp.testing.TestCertificates certs = io.rockhub.resp.testing.TestCertificates.create()) {
            java.util.Map<String, String> settings = certs.serverSettings(RealRedis.freePort());
            settings.put("port", "0"); // TLS only
            try (TestServer tls = TestServer.start(settings)) {
                // Camel's own TLS settings: a PKCS12 trust store holding the CA, the client's PKCS12 key store.
                java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                try (java.io.InputStream in = java.nio.file.Files.newInputStream(certs.path("ca.crt"))) {
                    trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificate(in));
                }
                java.nio.file.Path trustFile = certs.path("trust.p12");
                try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(trustFile)) {
                    trust.store(out, "changeit".toCharArray());
                }
                org.apache.camel.support.jsse.KeyStoreParameters trustStore = new org.apache.camel.support.jsse.KeyStoreParameters();
                trustStore.setResource("file:" + trustFile);
                trustStore.setPassword("changeit");
                trustStore.setType("PKCS12");
                org.apache.camel.support.jsse.TrustManagersParameters trustManagers = new org.apache.camel.support.jsse.TrustManagersParameters();
                trustManagers.setKeyStore(trustStore);
                org.apache.camel.support.jsse.KeyStoreParameters keyStore = new org.apache.camel.support.jsse.KeyStoreParameters();
                keyStore.setResource("file:" + certs.path("client.p12"));
                keyStore.setPassword(io.rockhub.resp.testing.TestCertificates.STORE_PASS);
                keyStore.setType("PKCS12");
                org.apache.camel.support.jsse.KeyManagersParameters keyManagers = new org.apache.camel.support.jsse.KeyManagersParameters();
                keyManagers.setKeyStore(keyStore);
                keyManagers.setKeyPassword(io.rockhub.resp.testing.TestCertificates.STORE_PASS);
                org.apache.camel.support.jsse.SSLContextParameters ssl = new org.apache.camel.support.jsse.SSLContextParameters();
                ssl.setTrustManagers(trustManagers);
                ssl.setKeyManagers(keyManagers);

                String stream = "orders:" + System.nanoTime();
                String options = "?host=127.0.0.1&port=" + tls.hub().tls().port() + "&blockMillis=100"
                        + "&sslContextParameters=#tlsParams";
                List<Exchange> got = new CopyOnWriteArrayList<>();
                CamelContext ctx = new DefaultCamelContext();
                ctx.getRegistry().bind("tlsParams", ssl);
                ctx.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:in").to("rockhub-stream:" + stream + options);
                        from("rockhub-stream:" + stream + options + "&group=billing&consumerName=w1").process(got::add);
                    }
                });
                ctx.start();
                try (ctx) {
                    ProducerTemplate producer = ctx.createProducerTemplate();
                    for (int i = 0; i < 10; i++) {
                        producer.sendBody("direct:in", Map.of("n", Integer.toString(i)));
                    }
                    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 10);
                    assertThat(got).hasSize(10);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rockhub", "redis"})
    void aFailedExchangeStaysPendingAndIsReclaimedWithItsDeliveryCount(String server) throws Exception {
        String stream = "jobs:" + System.nanoTime();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        List<Long> deliveries = new CopyOnWriteArrayList<>();
        try (Jedis j = new Jedis("127.0.0.1", port(server))) {
            j.xgroupCreate(stream, "workers", new StreamEntryID(), true);
            j.xadd(stream, XAddParams.xAddParams(), Map.of("job", "flaky"));
        }
        try (CamelContext ctx = camel(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(server, stream, "&group=workers&claimMinIdleMillis=300&claimIntervalMillis=100"))
                        .process(e -> {
                            deliveries.add(e.getMessage().getHeader(RockHubStreamConstants.DELIVERY_COUNT, Long.class));
                            if (failedOnce.add(e.getMessage().getHeader(RockHubStreamConstants.ENTRY_ID, String.class))) {
                                throw new IllegalStateException("downstream unavailable");
                            }
                        });
            }
        })) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> deliveries.size() >= 2);
            assertThat(deliveries).containsExactly(1L, 2L);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pending(server, stream, "workers") == 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rockhub", "redis"})
    void aCursorConsumerReadsEveryStreamMatchingAPatternFromTheStart(String server) throws Exception {
        String prefix = "metrics" + System.nanoTime();
        try (Jedis j = new Jedis("127.0.0.1", port(server))) {
            for (String s : List.of(":a", ":b")) {
                for (int i = 0; i < 3; i++) {
                    j.xadd(prefix + s, XAddParams.xAddParams(), Map.of("i", Integer.toString(i)));
                }
            }
            j.set(prefix + ":not-a-stream", "x");
        }
        List<String> got = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = camel(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(server, prefix + ":*", "&pattern=true&startId=0"))
                        .process(e -> got.add(e.getMessage().getHeader(RockHubStreamConstants.STREAM, String.class)
                                + "/" + e.getMessage().getBody(Map.class).get("i")));
            }
        })) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 6);
            assertThat(got).containsExactlyInAnyOrder(prefix + ":a/0", prefix + ":a/1", prefix + ":a/2",
                    prefix + ":b/0", prefix + ":b/1", prefix + ":b/2");
        }
    }

    private static boolean groupExists(String server, String stream, String group) {
        try (Jedis j = new Jedis("127.0.0.1", port(server))) {
            return j.exists(stream) && j.xinfoGroups(stream).stream().anyMatch(g -> g.getName().equals(group));
        }
    }

    private static long pending(String server, String stream, String group) {
        try (Jedis j = new Jedis("127.0.0.1", port(server))) {
            return j.xpending(stream, group).getTotal();
        }
    }
}
