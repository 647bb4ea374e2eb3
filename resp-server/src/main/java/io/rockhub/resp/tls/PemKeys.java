package io.rockhub.resp.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Checks that a private key belongs to its certificate, as OpenSSL's SSL_CTX_check_private_key does
 * for Redis: Netty accepts a mismatched pair and only the handshakes would fail. Reads PKCS#8 PEM
 * keys, plain or encrypted (the forms Netty reads itself).
 */
final class PemKeys {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN (ENCRYPTED )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END (ENCRYPTED )?PRIVATE KEY-----");

    private PemKeys() {
    }

    /** Throws unless the key signs what the certificate's public key verifies. */
    static void checkPair(TlsSettings.KeyPair pair) throws TlsSetupException {
        X509Certificate cert;
        PrivateKey key;
        try {
            cert = firstCertificate(Path.of(pair.certFile()));
            key = readKey(Path.of(pair.keyFile()), pair.keyPass(), cert.getPublicKey().getAlgorithm());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new TlsSetupException("Failed to load certificate or private key " + pair.certFile() + ", "
                    + pair.keyFile() + ": " + e.getMessage(), e);
        }
        if (key == null) {
            return; // not a PKCS#8 PEM key: Netty's own loading decides
        }
        if (!signsFor(key, cert.getPublicKey())) {
            throw new TlsSetupException("Private key " + pair.keyFile() + " does not match certificate " + pair.certFile());
        }
    }

    private static X509Certificate firstCertificate(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** The key, or null when the file holds no PKCS#8 PEM key. */
    static PrivateKey readKey(Path file, String password, String algorithm) throws IOException, GeneralSecurityException {
        Matcher m = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!m.find()) {
            return null;
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        PKCS8EncodedKeySpec spec;
        if (m.group(1) == null) {
            spec = new PKCS8EncodedKeySpec(der);
        } else {
            if (password == null) {
                throw new GeneralSecurityException("the key is encrypted and no passphrase is set (tls-key-file-pass)");
            }
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters params = info.getAlgParameters();
            // PBES2 (openssl's default) names its real algorithm in its parameters.
            String pbe = params != null && params.toString().startsWith("PBEWith") ? params.toString() : info.getAlgName();
            Cipher cipher = Cipher.getInstance(pbe);
            cipher.init(Cipher.DECRYPT_MODE, SecretKeyFactory.getInstance(pbe)
                    .generateSecret(new PBEKeySpec(password.toCharArray())), params);
            spec = info.getKeySpec(cipher);
        }
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
    }

    private static boolean signsFor(PrivateKey key, PublicKey pub) throws TlsSetupException {
        String algorithm = switch (pub.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> pub.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = "rockhub key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
