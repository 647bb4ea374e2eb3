package io.rockhub.resp.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.rockhub.core.config.HubConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for the RESP port and the replica link, configured as Redis 7.0 configures it. Netty's
 * {@link SslHandler} does the work, over OpenSSL's API (BoringSSL, from netty-tcnative) when it
 * loads and over the JDK's provider otherwise. The contexts are rebuilt whole when a {@code tls-*}
 * setting changes ({@link #reload}): new connections use the new certificates, established ones keep
 * theirs, and a configuration that does not build leaves the running one in place.
 */
public final class Tls {
    private static final Logger LOG = LoggerFactory.getLogger(Tls.class);
    /** TLS 1.3's suites, kept when only {@code tls-ciphers} is given: Redis sets the two lists apart. */
    private static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");
    /** TLS 1.2's forward-secret AEAD ciphers, kept when only {@code tls-ciphersuites} is given. */
    private static final List<String> TLS12_CIPHERS = List.of("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
            "ECDHE-RSA-CHACHA20-POLY1305");

    private static final java.util.regex.Pattern HASH_NAME = java.util.regex.Pattern.compile("[0-9a-f]{8}\\.[0-9]+");

    private final HubConfig config;
    private volatile Contexts current;

    /**
     * What one configuration built: its settings, the server's context, the same as a JDK context
     * (for the HTTPS metrics endpoint), the client's (for the replica link and the routes).
     */
    private record Contexts(TlsSettings settings, SslContext server, SSLContext jdkServer, SSLContext client) {
    }

    /** Builds TLS from the configuration, if it asks for any; a configuration that cannot work is refused. */
    public Tls(HubConfig config) throws TlsSetupException {
        this.config = config;
        this.current = build(TlsSettings.from(config));
        if (current != null) {
            LOG.info("TLS ready ({}), tls-port {}, client certificates {}", provider() == SslProvider.OPENSSL
                    ? "OpenSSL API, " + OpenSsl.versionString() : "JDK provider", current.settings().port(),
                    current.settings().authClients().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Moves the TLS listener when {@code tls-port} changes (the RESP server; 0 closes it). */
    public interface Listener {
        void listen(int port) throws TlsSetupException;
    }

    private volatile Listener listener;

    public void listener(Listener l) {
        this.listener = l;
    }

    /**
     * Rebuilds from the settings now in the configuration, and moves the listener if the port
     * changed; on failure the running contexts and listener stay.
     */
    public synchronized void reload() throws TlsSetupException {
        Contexts next = build(TlsSettings.from(config));
        Contexts previous = current;
        int before = port();
        current = next;
        int after = port();
        Listener l = listener;
        if (before != after && l != null) {
            try {
                l.listen(after);
            } catch (TlsSetupException e) {
                current = previous;
                throw e;
            }
        }
    }

    /** The TLS port in use, 0 when none. */
    public int port() {
        Contexts c = current;
        return c == null ? 0 : c.settings().port();
    }

    /** A handler for a new connection to the TLS port, with the current certificates. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        Contexts c = current;
        if (c == null) {
            throw new IllegalStateException("TLS is not configured");
        }
        SslHandler h = c.server().newHandler(alloc);
        if (c.settings().preferServerCiphers()) {
            SSLParameters p = h.engine().getSSLParameters();
            p.setUseCipherSuitesOrder(true);
            h.engine().setSSLParameters(p);
        }
        return h;
    }

    /**
     * Sockets for the replica link to a primary's TLS port: this server's client certificate, the
     * configured CAs; like Redis, the peer's chain is verified and its host name is not.
     */
    public SSLSocketFactory clientSockets() throws TlsSetupException {
        Contexts c = current;
        if (c == null) {
            throw new TlsSetupException("tls-replication needs tls-cert-file, tls-key-file and a CA");
        }
        return c.client().getSocketFactory();
    }

    /**
     * The server's certificate as a JDK context (the HTTPS metrics endpoint), and whether clients
     * must present a certificate ({@code true}), may ({@code null}) or are not asked ({@code false}).
     */
    public record JdkServer(SSLContext context, Boolean clientCertificates) {
    }

    public JdkServer jdkServer() throws TlsSetupException {
        Contexts c = current;
        if (c == null || c.jdkServer() == null) {
            throw new TlsSetupException("metrics-tls needs tls-cert-file and tls-key-file");
        }
        ClientAuth auth = c.settings().authClients();
        return new JdkServer(c.jdkServer(), auth == ClientAuth.REQUIRE ? Boolean.TRUE : auth == ClientAuth.OPTIONAL ? null : Boolean.FALSE);
    }

    private static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    static Contexts build(TlsSettings s) throws TlsSetupException {
        if (!s.needed()) {
            return null;
        }
        if (s.server().certFile().isEmpty()) {
            throw new TlsSetupException("No tls-cert-file configured!");
        }
        if (s.server().keyFile().isEmpty()) {
            throw new TlsSetupException("No tls-key-file configured!");
        }
        if (s.caCertFile().isEmpty() && s.caCertDir().isEmpty()
                && (s.authClients() != ClientAuth.NONE || s.replication())) {
            throw new TlsSetupException("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster,"
                    + " tls-replication or tls-auth-clients are enabled!");
        }
        List<X509Certificate> trusted = trusted(s);
        PemKeys.checkPair(s.server());
        if (s.client() != s.server()) {
            PemKeys.checkPair(s.client());
        }
        try {
            SslContextBuilder server = SslContextBuilder.forServer(new File(s.server().certFile()),
                            new File(s.server().keyFile()), s.server().keyPass())
                    .sslProvider(provider())
                    .clientAuth(s.authClients())
                    .protocols(s.protocols());
            List<String> ciphers = ciphers(s);
            // Only the configured CAs, never the JDK's public ones (none at all when the directory held none).
            javax.net.ssl.TrustManagerFactory trust = trusting(trusted);
            if (!trusted.isEmpty() || s.authClients() != ClientAuth.NONE) {
                server.trustManager(trust);
            }
            if (ciphers != null) {
                server.ciphers(ciphers);
            }
            if (s.sessionCaching()) {
                server.sessionCacheSize(s.sessionCacheSize()).sessionTimeout(s.sessionCacheTimeout());
            }
            SslContext built = server.build();
            if (!s.sessionCaching() && built.sessionContext() instanceof OpenSslSessionContext sessions) {
                sessions.setSessionCacheEnabled(false);
            }
            SslContextBuilder client = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK) // the replica link is a blocking socket: it needs the JDK's SSLContext
                    .keyManager(new File(s.client().certFile()), new File(s.client().keyFile()), s.client().keyPass())
                    .protocols(s.protocols().stream().filter(p -> !p.equals("TLSv1") && !p.equals("TLSv1.1")).toList());
            client.trustManager(trust);
            if (ciphers != null) {
                client.ciphers(ciphers.stream().map(c -> {
                    String java = CipherSuiteConverter.toJava(c, "TLS");
                    return java == null ? c : java;
                }).toList());
            }
            // The HTTPS metrics endpoint needs the same certificate as a JDK context: built only for it.
            SSLContext jdkServer = s.metrics() ? ((JdkSslContext) server.sslProvider(SslProvider.JDK).build()).context() : null;
            return new Contexts(s, built, jdkServer, ((JdkSslContext) client.build()).context());
        } catch (SSLException | IllegalArgumentException e) {
            throw new TlsSetupException("Failed to configure TLS with " + s.server().certFile() + " and "
                    + s.server().keyFile() + ": " + rootMessage(e), e);
        }
    }

    /** A trust manager holding exactly {@code cas}: none at all when a configured CA directory held none. */
    private static javax.net.ssl.TrustManagerFactory trusting(List<X509Certificate> cas) throws TlsSetupException {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            javax.net.ssl.TrustManagerFactory f = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            return f;
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsSetupException("cannot make a trust store of the configured CAs: " + e, e);
        }
    }

    /** Both lists, each filled with its defaults when only the other is given. */
    private static List<String> ciphers(TlsSettings s) {
        if (s.ciphers().isEmpty() && s.cipherSuites().isEmpty()) {
            return null;
        }
        List<String> all = new ArrayList<>(s.ciphers().isEmpty() ? TLS12_CIPHERS : s.ciphers());
        all.addAll(s.cipherSuites().isEmpty() ? TLS13_SUITES : s.cipherSuites());
        return all;
    }

    /** The CA certificates of {@code tls-ca-cert-file} and of every certificate file in {@code tls-ca-cert-dir}. */
    private static List<X509Certificate> trusted(TlsSettings s) throws TlsSetupException {
        List<X509Certificate> out = new ArrayList<>();
        if (!s.caCertFile().isEmpty()) {
            Path file = Path.of(s.caCertFile());
            try {
                out.addAll(certificates(file));
            } catch (IOException | GeneralSecurityException e) {
                throw new TlsSetupException("Failed to configure CA certificate(s) file/directory: " + file + ": "
                        + rootMessage(e), e);
            }
        }
        if (!s.caCertDir().isEmpty()) {
            // OpenSSL's CApath, as Redis uses it: certificates are found by the subject-hash names
            // `openssl rehash` (c_rehash) gives them (5d9f1a4b.0), other files are not read, and a
            // directory that is missing or holds none is accepted (clients then fail to verify).
            Path dir = Path.of(s.caCertDir());
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    if (Files.isRegularFile(f) && HASH_NAME.matcher(f.getFileName().toString()).matches()) {
                        try {
                            out.addAll(certificates(f));
                        } catch (IOException | GeneralSecurityException notACertificate) {
                            LOG.debug("{} in tls-ca-cert-dir holds no certificate: skipped", f);
                        }
                    }
                }
            } catch (IOException e) {
                LOG.warn("tls-ca-cert-dir {} cannot be read ({}): no CA from it", dir, e.toString());
            }
        }
        return out;
    }

    private static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : factory.generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new GeneralSecurityException("no certificate in " + file);
            }
            return out;
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root.getMessage() + ")";
    }
}
