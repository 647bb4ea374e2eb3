package io.rockhub.resp.tls;

import io.netty.handler.ssl.ClientAuth;
import io.rockhub.core.config.HubConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code tls-*} settings, as Redis 7.0 names them, read together: a CONFIG SET of several of
 * them is applied as one new configuration or not at all.
 *
 * @param port            {@code tls-port}, 0 for none
 * @param replication     {@code tls-replication}: a replica reaches its primary over TLS
 * @param metrics         {@code metrics-tls}: the Prometheus endpoint is served over HTTPS
 * @param server          the certificate this server presents ({@code tls-cert-file}, {@code tls-key-file}, {@code tls-key-file-pass})
 * @param client          the one it presents as a client (the {@code tls-client-*} files, else the server's)
 * @param ciphers         {@code tls-ciphers} (TLS 1.2 and older, OpenSSL names), empty for the defaults
 * @param cipherSuites    {@code tls-ciphersuites} (TLS 1.3), empty for the defaults
 */
public record TlsSettings(int port, boolean replication, boolean metrics, KeyPair server, KeyPair client, String caCertFile,
                          String caCertDir, ClientAuth authClients, List<String> protocols, List<String> ciphers,
                          List<String> cipherSuites, boolean preferServerCiphers, boolean sessionCaching,
                          long sessionCacheSize, long sessionCacheTimeout) {

    /** A certificate chain file, its private key file and the key's passphrase (null when the key is not encrypted). */
    public record KeyPair(String certFile, String keyFile, String keyPass) {
    }

    /** The settings now in {@code config}; an unknown protocol name is a {@link TlsSetupException}. */
    public static TlsSettings from(HubConfig config) throws TlsSetupException {
        KeyPair server = new KeyPair(config.get("tls-cert-file"), config.get("tls-key-file"),
                emptyToNull(config.get("tls-key-file-pass")));
        KeyPair client = config.get("tls-client-cert-file").isEmpty() ? server
                : new KeyPair(config.get("tls-client-cert-file"), config.get("tls-client-key-file"),
                        emptyToNull(config.get("tls-client-key-file-pass")));
        ClientAuth auth = switch (config.get("tls-auth-clients")) {
            case "no" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            default -> ClientAuth.REQUIRE;
        };
        return new TlsSettings(config.getInt("tls-port"), config.getBool("tls-replication"), config.getBool("metrics-tls"),
                server, client,
                config.get("tls-ca-cert-file"), config.get("tls-ca-cert-dir"), auth, protocols(config.get("tls-protocols")),
                words(config.get("tls-ciphers"), ":"), words(config.get("tls-ciphersuites"), ":"),
                config.getBool("tls-prefer-server-ciphers"), config.getBool("tls-session-caching"),
                config.getLong("tls-session-cache-size"), config.getLong("tls-session-cache-timeout"));
    }

    /** Whether anything needs TLS: a TLS port, replication over TLS, or the metrics endpoint over HTTPS. */
    public boolean needed() {
        return port > 0 || replication || metrics;
    }

    /** Redis's rule: TLS 1.2 and 1.3 unless {@code tls-protocols} names others (case does not matter). */
    static List<String> protocols(String spec) throws TlsSetupException {
        List<String> out = new ArrayList<>();
        for (String p : words(spec, " ")) {
            out.add(switch (p.toLowerCase(Locale.ROOT)) {
                case "tlsv1" -> "TLSv1";
                case "tlsv1.1" -> "TLSv1.1";
                case "tlsv1.2" -> "TLSv1.2";
                case "tlsv1.3" -> "TLSv1.3";
                default -> throw new TlsSetupException("Invalid tls-protocols specified. Use a combination of 'TLSv1', "
                        + "'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            });
        }
        return out.isEmpty() ? List.of("TLSv1.2", "TLSv1.3") : out;
    }

    private static List<String> words(String spec, String separator) {
        List<String> out = new ArrayList<>();
        for (String w : spec.trim().split(java.util.regex.Pattern.quote(separator))) {
            if (!w.isBlank()) {
                out.add(w.trim());
            }
        }
        return out;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
