package dev.ebb.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority with a server certificate for {@code localhost} / {@code 127.0.0.1} and a
 * client certificate, all PEM (keys unencrypted PKCS#8), as a Kafka user finds them in a Strimzi cluster CA Secret
 * ({@code ca.crt}) and a {@code KafkaUser} Secret ({@code user.crt}, {@code user.key}). Generated in memory in a few
 * milliseconds (EC P-256), valid for one day.
 */
public final class TestCertificates {

    private final String caCertificate;
    private final String serverCertificate;
    private final String serverKey;
    private final String clientCertificate;
    private final String clientKey;

    private TestCertificates(String caCertificate, String serverCertificate, String serverKey,
                             String clientCertificate, String clientKey) {
        this.caCertificate = caCertificate;
        this.serverCertificate = serverCertificate;
        this.serverKey = serverKey;
        this.clientCertificate = clientCertificate;
        this.clientKey = clientKey;
    }

    /** A new CA, server and client certificate; the client's subject is {@code CN=clientName}. */
    public static TestCertificates generate(String clientName) {
        try {
            KeyPair ca = keyPair();
            X500Name caName = new X500Name("CN=ebb-test-ca");
            X509Certificate caCert = sign(caName, caName, ca.getPublic(), ca.getPrivate(), true, null);
            KeyPair server = keyPair();
            GeneralNames localhost = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
            X509Certificate serverCert = sign(caName, new X500Name("CN=localhost"), server.getPublic(),
                    ca.getPrivate(), false, localhost);
            KeyPair client = keyPair();
            X509Certificate clientCert = sign(caName, new X500Name("CN=" + clientName), client.getPublic(),
                    ca.getPrivate(), false, null);
            return new TestCertificates(pem(caCert), pem(serverCert) + pem(caCert), pem(server.getPrivate()),
                    pem(clientCert), pem(client.getPrivate()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("could not generate test certificates: " + e.getMessage(), e);
        }
    }

    /** The CA certificate, PEM (Strimzi: {@code ca.crt}). */
    public String caCertificate() {
        return caCertificate;
    }

    /** The server certificate chain (server, CA), PEM. */
    public String serverCertificateChain() {
        return serverCertificate;
    }

    /** The server's private key, PEM PKCS#8. */
    public String serverKey() {
        return serverKey;
    }

    /** The client certificate, PEM (Strimzi: {@code user.crt}). */
    public String clientCertificate() {
        return clientCertificate;
    }

    /** The client's private key, PEM PKCS#8 (Strimzi: {@code user.key}). */
    public String clientKey() {
        return clientKey;
    }

    /** Writes {@code ca.crt}, {@code user.crt} and {@code user.key} into {@code dir}, as a mounted Secret has them. */
    public void writeClientFiles(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("ca.crt"), caCertificate, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("user.crt"), clientCertificate, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("user.key"), clientKey, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificates[CN=ebb-test-ca]";
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X500Name issuer, X500Name subject, java.security.PublicKey key,
                                        PrivateKey issuerKey, boolean ca, GeneralNames altNames)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, key);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        builder.addExtension(Extension.keyUsage, true, ca
                ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
                : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static String pem(Object object) throws IOException {
        if (object instanceof PrivateKey key) {
            // PKCS#8, as Kafka's PEM key store reads it (BEGIN PRIVATE KEY), not OpenSSL's BEGIN EC PRIVATE KEY.
            return "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString().replace("\r\n", "\n");
    }
}
