package dev.ebb.scaler.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.workload.spec.KafkaAuthentication;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.SecretRefSpec;
import dev.ebb.scaler.workload.spec.TlsAuthentication;
import dev.ebb.testkit.TestCertificates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientMapperTest {

    static final TestCertificates CERTS = TestCertificates.generate("orders-fn");
    static final String CA = CERTS.caCertificate().trim();
    static final String USER_CRT = CERTS.clientCertificate().trim();
    static final String USER_KEY = CERTS.clientKey();
    static final String KEY_BODY = USER_KEY.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();

    private final List<String> problems = new ArrayList<>();

    @Test
    void mapsSaslUsernameAndPasswordKeysToAScramJaasEntry() {
        KafkaSpec kafka = kafka(sasl("SCRAM-SHA-512", "kafka-user"), null);
        Map<String, String> config = KafkaClientMapper.clientConfig(kafka,
                Map.of("kafka-user", Map.of("username", "orders", "password", "pa\"ss\\word")), problems);

        assertThat(problems).isEmpty();
        assertThat(config).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"orders\" password=\"pa\\\"ss\\\\word\";");
    }

    @Test
    void mapsAStrimziKafkaUserTlsSecretAndClusterCaToPemSettings() {
        TlsAuthentication tls = new TlsAuthentication();
        tls.setCaSecretRef(new SecretRefSpec("my-cluster-cluster-ca-cert"));
        tls.setClientSecretRef(new SecretRefSpec("my-user"));
        Map<String, String> config = KafkaClientMapper.clientConfig(kafka(null, tls), Map.of(
                "my-cluster-cluster-ca-cert", Map.of("ca.crt", CA + "\n", "ca.p12", "binary", "ca.password", "x"),
                "my-user", Map.of("user.crt", USER_CRT, "user.key", USER_KEY, "user.p12", "b", "user.password", "y")),
                problems);

        assertThat(problems).isEmpty();
        assertThat(config).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.type", "PEM").containsEntry("ssl.truststore.certificates", CA)
                .containsEntry("ssl.keystore.type", "PEM").containsEntry("ssl.keystore.certificate.chain", USER_CRT)
                .containsEntry("ssl.keystore.key", USER_KEY.trim())
                .doesNotContainKeys("ssl.truststore.location", "ssl.keystore.location");
    }

    @Test
    void combinesSaslWithTlsAsSaslSsl() {
        TlsAuthentication tls = new TlsAuthentication();
        tls.setCaSecretRef(new SecretRefSpec("ca"));
        SaslAuthentication sasl = sasl("PLAIN", "strimzi-scram-user");
        sasl.setUsername("orders-fn");
        Map<String, String> config = KafkaClientMapper.clientConfig(kafka(sasl, tls), Map.of(
                "ca", Map.of("ca.crt", CA), "strimzi-scram-user", Map.of("password", "pw", "sasl.jaas.config", "x")),
                problems);

        assertThat(problems).isEmpty();
        assertThat(config).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"orders-fn\" password=\"pw\";");
    }

    @Test
    void namesTheMissingSecretKeyWithoutShowingValues() {
        KafkaSpec kafka = kafka(sasl("SCRAM-SHA-256", "kafka-user"), null);
        kafka.getAuthentication().getSasl().setPasswordKey("pass");
        KafkaClientMapper.clientConfig(kafka, Map.of("kafka-user", Map.of("username", "u", "password", "hunter2")),
                problems);

        assertThat(problems).containsExactly("Invalid value 'pass' for spec.kafka.authentication.sasl.passwordKey: "
                + "Secret kafka-user has no key pass (keys: [password, username])");
    }

    @Test
    void refusesAPkcs1KeyAndHidesIt() {
        TlsAuthentication tls = new TlsAuthentication();
        tls.setClientSecretRef(new SecretRefSpec("my-user"));
        String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\n" + KEY_BODY + "\n-----END RSA PRIVATE KEY-----";
        KafkaClientMapper.clientConfig(kafka(null, tls), Map.of("my-user", Map.of("user.crt", USER_CRT,
                "user.key", pkcs1)), problems);

        assertThat(problems).singleElement().asString()
                .startsWith("Invalid value [hidden] for Secret my-user[user.key] "
                        + "(spec.kafka.authentication.tls.keyKey): must be a PKCS#8 key")
                .doesNotContain(KEY_BODY);
    }

    @Test
    void refusesAuthenticationKeysSetTwice() {
        KafkaSpec kafka = kafka(sasl("PLAIN", "kafka-user"), null);
        kafka.setConfig(Map.of("security.protocol", "SASL_SSL"));
        KafkaClientMapper.clientConfig(kafka, Map.of("kafka-user", Map.of("username", "u", "password", "p")),
                problems);

        assertThat(problems).containsExactly("Invalid value 'SASL_SSL' for spec.kafka.config[security.protocol]: "
                + "spec.kafka.authentication sets security.protocol; set it in one place only");
    }

    @Test
    void listsEverySecretTheSpecNames() {
        TlsAuthentication tls = new TlsAuthentication();
        tls.setCaSecretRef(new SecretRefSpec("ca"));
        tls.setClientSecretRef(new SecretRefSpec("user"));
        KafkaSpec kafka = kafka(sasl("PLAIN", "creds"), tls);
        kafka.setSecuritySecretRef(new SecretRefSpec("raw"));

        assertThat(KafkaClientMapper.referencedSecrets(kafka)).containsExactly(
                Map.entry("spec.kafka.securitySecretRef", "raw"),
                Map.entry("spec.kafka.authentication.sasl.secretRef", "creds"),
                Map.entry("spec.kafka.authentication.tls.caSecretRef", "ca"),
                Map.entry("spec.kafka.authentication.tls.clientSecretRef", "user"));
    }

    private static SaslAuthentication sasl(String mechanism, String secret) {
        SaslAuthentication sasl = new SaslAuthentication();
        sasl.setMechanism(mechanism);
        sasl.setSecretRef(new SecretRefSpec(secret));
        return sasl;
    }

    private static KafkaSpec kafka(SaslAuthentication sasl, TlsAuthentication tls) {
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers("kafka:9093");
        kafka.setConsumerGroup("orders");
        KafkaAuthentication auth = new KafkaAuthentication();
        auth.setSasl(sasl);
        auth.setTls(tls);
        kafka.setAuthentication(auth);
        return kafka;
    }
}
