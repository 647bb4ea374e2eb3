package io.rockhub.connectors.stream;

import java.util.Arrays;
import java.util.List;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/** A set of streams (names, or one pattern) on one server. */
@UriEndpoint(firstVersion = "0.1.0", scheme = "rockhub-stream", title = "RockHub Stream",
        syntax = "rockhub-stream:streams", category = {Category.MESSAGING},
        headersClass = RockHubStreamConstants.class)
public class RockHubStreamEndpoint extends DefaultEndpoint {
    @UriPath(description = "Stream names separated by commas, or a glob pattern with pattern=true.")
    @Metadata(required = true)
    private final String streams;

    @UriParam
    private final RockHubStreamConfiguration configuration;

    RockHubStreamEndpoint(String uri, RockHubStreamComponent component, String streams,
                          RockHubStreamConfiguration configuration) {
        super(uri, component);
        this.streams = streams;
        this.configuration = configuration;
    }

    public String getStreams() {
        return streams;
    }

    public RockHubStreamConfiguration getConfiguration() {
        return configuration;
    }

    List<String> streamNames() {
        return Arrays.stream(streams.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** A new connection to the server, authenticated if a password is set. */
    Jedis connect(int socketTimeoutMillis) {
        return new Jedis(address(), clientConfig(socketTimeoutMillis, "camel-rockhub-stream"));
    }

    HostAndPort address() {
        return new HostAndPort(configuration.getHost(), configuration.getPort());
    }

    /** How connections log in (user, password) and travel (TLS when sslContextParameters is set). */
    JedisClientConfig clientConfig(int socketTimeoutMillis, String clientName) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().user(configuration.getUsername())
                .password(configuration.getPassword()).socketTimeoutMillis(socketTimeoutMillis).clientName(clientName);
        if (configuration.getSslContextParameters() != null) {
            try {
                b.ssl(true).sslSocketFactory(configuration.getSslContextParameters()
                        .createSSLContext(getCamelContext()).getSocketFactory());
            } catch (java.security.GeneralSecurityException | java.io.IOException e) {
                throw new org.apache.camel.RuntimeCamelException("cannot set up TLS for " + getEndpointUri(), e);
            }
        }
        return b.build();
    }

    @Override
    public Producer createProducer() {
        return new RockHubStreamProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        RockHubStreamConsumer consumer = new RockHubStreamConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }
}
