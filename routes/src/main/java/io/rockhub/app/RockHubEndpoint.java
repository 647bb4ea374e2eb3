package io.rockhub.app;

import io.rockhub.resp.server.Node;
import io.rockhub.resp.tls.TlsSetupException;
import javax.net.ssl.SSLSocketFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;

/**
 * Where a route reaches RockHub: host, port, the ACL user and password (a null user is the default
 * user), and the TLS sockets to use when the port is a TLS one (null for plain).
 */
public record RockHubEndpoint(String host, int port, String user, String password, SSLSocketFactory tls) {

    /**
     * This process's own server: its plain port, or its TLS port, with the node's client certificate,
     * when the plain one is off ({@code port 0} beside {@code tls-port}).
     */
    public static RockHubEndpoint local(Node node, String password) {
        if (node.port() != 0) {
            return new RockHubEndpoint("127.0.0.1", node.port(), null, password, null);
        }
        try {
            return new RockHubEndpoint("127.0.0.1", node.hub().tls().port(), null, password, node.hub().tls().clientSockets());
        } catch (TlsSetupException e) {
            throw new IllegalStateException("the plain port is off and TLS cannot make client connections: " + e.getMessage(), e);
        }
    }

    /** The same place, logged in as {@code user} with {@code password} (a route's own least-privilege user). */
    public RockHubEndpoint as(String user, String password) {
        return new RockHubEndpoint(host, port, user, password, tls);
    }

    private JedisClientConfig clientConfig() {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().user(user).password(password);
        if (tls != null) {
            b.ssl(true).sslSocketFactory(tls);
        }
        return b.build();
    }

    /** A new connection, authenticated. */
    public Jedis connect() {
        return new Jedis(new HostAndPort(host, port), clientConfig());
    }

    /** A pool of connections, authenticated. */
    public JedisPooled pooled() {
        return new JedisPooled(new HostAndPort(host, port), clientConfig());
    }
}
