package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * {@code spec.kafka.authentication}: credentials in the layouts users already keep them in, as KEDA's
 * {@code TriggerAuthentication} reads them: SASL username/password keys of a Secret, and/or TLS (a cluster CA Secret,
 * a Strimzi {@code KafkaUser} Secret with {@code user.crt} / {@code user.key}). Only Secret names and key names are
 * written here; the values are read by reference and go only into the scaler's Admin client.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaAuthentication {

    @JsonPropertyDescription("SASL with a username and password from a Secret (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512).")
    private SaslAuthentication sasl;

    @JsonPropertyDescription("TLS to the brokers ({} for the JVM's default trust), optionally with a cluster CA and a "
            + "client certificate (mutual TLS). With sasl: SASL_SSL.")
    private TlsAuthentication tls;

    public SaslAuthentication getSasl() {
        return sasl;
    }

    public void setSasl(SaslAuthentication sasl) {
        this.sasl = sasl;
    }

    public TlsAuthentication getTls() {
        return tls;
    }

    public void setTls(TlsAuthentication tls) {
        this.tls = tls;
    }
}
