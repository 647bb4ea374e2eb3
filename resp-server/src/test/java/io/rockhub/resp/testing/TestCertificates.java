package io.rockhub.resp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority with server and client certificates, made by the openssl
 * command (Debian's, as users make theirs) in a temporary directory, and JDK contexts built from
 * them for Java clients.
 */
public final class TestCertificates implements AutoCloseable {
    public static final String KEY_PASS = "key-secret";
    public static final String STORE_PASS = "changeit";
    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A CA, two server certificates (CN localhost and localhost-2), a client one, an encrypted server key, a PKCS12 client store. */
    public static TestCertificates create() throws IOException, InterruptedException {
        TestCertificates c = new TestCertificates(Files.createTempDirectory("rockhub-tls"));
        try {
            c.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=RockHub Test CA");
            Files.writeString(c.dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                    + "extendedKeyUsage=serverAuth,clientAuth\n");
            Files.writeString(c.dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
            c.signed("server", "localhost", "server.ext");
            c.signed("server2", "localhost-2", "server.ext");
            c.signed("client", "rockhub-test-client", "client.ext");
            c.openssl("pkcs8", "-topk8", "-in", "server.key", "-out", "server-enc.key", "-v2", "aes-256-cbc",
                    "-passout", "pass:" + KEY_PASS);
            c.openssl("pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-out", "client.p12",
                    "-passout", "pass:" + STORE_PASS);
            // A CA directory as `openssl rehash` leaves it: the certificate under its subject hash
            // (and a copy under another name, which OpenSSL, and so Redis, never reads).
            Files.createDirectories(c.dir.resolve("ca-dir"));
            String hash = c.openssl("x509", "-subject_hash", "-noout", "-in", "ca.crt").trim();
            Files.copy(c.dir.resolve("ca.crt"), c.dir.resolve("ca-dir/" + hash + ".0"));
            Files.createDirectories(c.dir.resolve("unhashed-ca-dir"));
            Files.copy(c.dir.resolve("ca.crt"), c.dir.resolve("unhashed-ca-dir/rockhub-test-ca.pem"));
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void signed(String name, String cn, String ext) throws IOException, InterruptedException {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", ext);
    }

    private String openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    public Path path(String file) {
        return dir.resolve(file);
    }

    /** RockHub's settings for a TLS port with the first server certificate, clients verified against the CA. */
    public java.util.Map<String, String> serverSettings(int tlsPort) {
        return new java.util.LinkedHashMap<>(java.util.Map.of("tls-port", Integer.toString(tlsPort),
                "tls-cert-file", path("server.crt").toString(), "tls-key-file", path("server.key").toString(),
                "tls-ca-cert-file", path("ca.crt").toString()));
    }

    /** A JDK context trusting the CA, presenting the client certificate if {@code withClientCertificate}. */
    public SSLContext clientContext(boolean withClientCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(path("ca.crt"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withClientCertificate) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(path("client.p12"))) {
                keys.load(in, STORE_PASS.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, STORE_PASS.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    @Override
    public void close() {
        TestServer.deleteTree(dir);
    }
}
