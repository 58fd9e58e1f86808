package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * {@code spec.kafka.authentication.tls}: TLS to the brokers. {@code caSecretRef} is the cluster CA (Strimzi:
 * {@code <cluster>-cluster-ca-cert}, key {@code ca.crt}); {@code clientSecretRef} a client certificate and key
 * (Strimzi {@code KafkaUser} with {@code authentication: tls}: keys {@code user.crt}, {@code user.key}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsAuthentication {

    @JsonPropertyDescription("Secret with the CA certificate(s) to trust, PEM. Unset: the JVM's default trust.")
    private SecretRefSpec caSecretRef;

    @Default("ca.crt")
    @JsonPropertyDescription("Key of the CA certificates in caSecretRef.")
    private String caKey;

    @JsonPropertyDescription("Secret with the client certificate and its PKCS#8 private key, PEM (mutual TLS).")
    private SecretRefSpec clientSecretRef;

    @Default("user.crt")
    @JsonPropertyDescription("Key of the client certificate chain in clientSecretRef.")
    private String certificateKey;

    @Default("user.key")
    @JsonPropertyDescription("Key of the client private key in clientSecretRef.")
    private String keyKey;

    public SecretRefSpec getCaSecretRef() {
        return caSecretRef;
    }

    public void setCaSecretRef(SecretRefSpec caSecretRef) {
        this.caSecretRef = caSecretRef;
    }

    public String getCaKey() {
        return caKey;
    }

    public void setCaKey(String caKey) {
        this.caKey = caKey;
    }

    public SecretRefSpec getClientSecretRef() {
        return clientSecretRef;
    }

    public void setClientSecretRef(SecretRefSpec clientSecretRef) {
        this.clientSecretRef = clientSecretRef;
    }

    public String getCertificateKey() {
        return certificateKey;
    }

    public void setCertificateKey(String certificateKey) {
        this.certificateKey = certificateKey;
    }

    public String getKeyKey() {
        return keyKey;
    }

    public void setKeyKey(String keyKey) {
        this.keyKey = keyKey;
    }
}
