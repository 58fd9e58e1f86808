package dev.ebb.scaler.lag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import dev.ebb.testkit.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaClientSettingsTest {

    static final String PASSWORD = "s3cr3t-Pa55";
    static final String SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ebb\" "
            + "password=\"" + PASSWORD + "\";";
    static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required username=ebb "
            + "password=\"" + PASSWORD + "\";";
    static final TestCertificates CERTS = TestCertificates.generate("ebb");
    static final String CERT = CERTS.caCertificate().trim();
    static final String KEY = CERTS.clientKey().trim();
    static final String KEY_BODY = KEY.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();

    /** A refused setting and the words its message must contain. */
    record Refused(String name, String key, String value, String rule) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("a metrics reporter class", "metric.reporters", "com.evil.Reporter", "load classes"),
                new Refused("config providers", "config.providers", "file", "load classes"),
                new Refused("a login callback handler", "sasl.login.callback.handler.class", "com.evil.Handler",
                        "load classes"),
                new Refused("a client callback handler", "sasl.client.callback.handler.class", "x.Y", "load classes"),
                new Refused("a login class", "sasl.login.class", "x.Y", "load classes"),
                new Refused("an SSL engine factory", "ssl.engine.factory.class", "x.Y", "load classes"),
                new Refused("interceptors", "interceptor.classes", "x.Y", "load classes"),
                new Refused("any *.class key", "key.deserializer.class", "x.Y", "load classes"),
                new Refused("a security provider", "security.providers", "x.Y", "load classes"),
                new Refused("a truststore file", "ssl.truststore.location", "/etc/passwd", "local files"),
                new Refused("a keystore file", "ssl.keystore.location", "/var/run/secrets/token", "local files"),
                new Refused("a Kerberos keytab", "sasl.kerberos.service.name", "kafka", "local files"),
                new Refused("an OAuth token endpoint", "sasl.oauthbearer.token.endpoint.url", "file:///etc/shadow",
                        "local files or URLs"),
                new Refused("a store password", "ssl.truststore.password", "changeit", "keystore files"),
                new Refused("the scaler's request timeout", "request.timeout.ms", "600000", "the scaler sets this"),
                new Refused("the scaler's API timeout", "default.api.timeout.ms", "1", "the scaler sets this"),
                new Refused("the scaler's reconnect backoff", "reconnect.backoff.max.ms", "0", "the scaler sets this"),
                new Refused("the client id", "client.id", "someone-else", "the scaler sets this"),
                new Refused("bootstrap in config", "bootstrap.servers", "other:9092", "spec.kafka.bootstrapServers"),
                new Refused("an unknown key", "receive.buffer.bytes", "1", "not an allowed client setting"),
                new Refused("a key with spaces", " security.protocol", "SSL", "surrounding spaces"),
                new Refused("an unknown protocol", "security.protocol", "TLS", "must be one of"),
                new Refused("GSSAPI", "sasl.mechanism", "GSSAPI", "Kerberos"),
                new Refused("OAUTHBEARER", "sasl.mechanism", "OAUTHBEARER", "neither is supported"),
                new Refused("a JKS truststore", "ssl.truststore.type", "JKS", "must be PEM"),
                new Refused("a certificate that is not PEM", "ssl.truststore.certificates", "/etc/ssl/ca.crt",
                        "PEM certificates"),
                new Refused("a PKCS#1 key", "ssl.keystore.key",
                        "-----BEGIN RSA PRIVATE KEY-----\nAA\n-----END RSA PRIVATE KEY-----", "PKCS#8"),
                new Refused("a key path", "ssl.keystore.key", "/tls/user.key", "PKCS#8 private key"),
                new Refused("an odd endpoint identification", "ssl.endpoint.identification.algorithm", "ldap",
                        "https or empty"),
                new Refused("SSLv3", "ssl.enabled.protocols", "TLSv1.3,SSLv3", "comma-separated list"),
                new Refused("a rack with a slash", "client.rack", "../../x", "must match"),
                new Refused("Kerberos login module", "sasl.jaas.config",
                        "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true "
                                + "keyTab=\"/etc/krb5.keytab\" principal=\"x\";", "Krb5LoginModule is not allowed"),
                new Refused("OAuth login module", "sasl.jaas.config",
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;",
                        "OAuthBearerLoginModule is not allowed"),
                new Refused("a JAAS option naming a file", "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" "
                                + "password=\"" + PASSWORD + "\" keyTab=\"/etc/krb5.keytab\";",
                        "JAAS option keyTab is not allowed"),
                new Refused("two JAAS entries", "sasl.jaas.config", PLAIN + " " + SCRAM,
                        "exactly one login module entry"),
                new Refused("a JAAS comment hiding a second module", "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=a /* x */ "
                                + "password=\"" + PASSWORD + "\";", "an option name may only contain"),
                new Refused("an unquoted JAAS value with a slash", "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=a/b "
                                + "password=\"" + PASSWORD + "\";", "must be quoted"),
                new Refused("an optional JAAS flag", "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule optional username=\"a\" "
                                + "password=\"" + PASSWORD + "\";", "flag optional"),
                new Refused("JAAS without password", "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\";",
                        "username and password are required"),
                new Refused("JAAS without a semicolon", "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" "
                                + "password=\"" + PASSWORD + "\"", "missing ';'"),
                new Refused("JAAS with an octal escape", "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\\101\" "
                                + "password=\"" + PASSWORD + "\";", "backslash escape"),
                new Refused("a certificate that does not parse", "ssl.truststore.certificates",
                        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----", "parse as X.509"),
                new Refused("a key that does not parse", "ssl.keystore.key",
                        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----",
                        "does not parse"),
                new Refused("a key that is not base64", "ssl.keystore.key",
                        "-----BEGIN PRIVATE KEY-----\n$$$\n-----END PRIVATE KEY-----", "not base64"),
                new Refused("a huge value", "client.rack", "r".repeat(70_000), "at most"));
    }

    @ParameterizedTest(name = "refuses {0}")
    @MethodSource("refused")
    void refusesSettingsOutsideTheAllowList(Refused c) {
        List<String> problems = KafkaClientSettings.problems("spec.kafka.config", Map.of(c.key(), c.value()));

        assertThat(problems).singleElement().asString()
                .startsWith("Invalid value ")
                .contains("for spec.kafka.config[" + c.key() + "]: ", c.rule())
                .doesNotContain(PASSWORD);
    }

    static Stream<Map<String, String>> allowed() {
        return Stream.of(
                Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", SCRAM),
                Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config", PLAIN),
                Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config",
                        SCRAM.replace(";", " tokenauth=true;"), "ssl.truststore.type", "PEM",
                        "ssl.truststore.certificates", CERT),
                Map.of("security.protocol", "SSL", "ssl.truststore.type", "PEM", "ssl.truststore.certificates", CERT,
                        "ssl.keystore.type", "PEM", "ssl.keystore.certificate.chain", CERT + "\n" + CERT,
                        "ssl.keystore.key", KEY, "ssl.endpoint.identification.algorithm", "",
                        "ssl.enabled.protocols", "TLSv1.3, TLSv1.2", "ssl.protocol", "TLSv1.3"),
                Map.of("client.dns.lookup", "use_all_dns_ips", "client.rack", "eu-west-1a"),
                Map.of("security.protocol", "SSL", "ssl.cipher.suites", "TLS_AES_128_GCM_SHA256"));
    }

    @ParameterizedTest
    @MethodSource("allowed")
    void acceptsConnectionAndSecuritySettings(Map<String, String> settings) {
        assertThat(KafkaClientSettings.problems("spec.kafka.config", settings)).isEmpty();
        assertThat(KafkaClientSettings.crossProblems("spec.kafka", settings)).isEmpty();
    }

    @Test
    void hidesSecretValuesInMessages() {
        List<String> problems = KafkaClientSettings.problems("Secret kafka", Map.of(
                "sasl.jaas.config", "com.evil.Module required password=\"" + PASSWORD + "\";",
                "ssl.keystore.key", "-----BEGIN RSA PRIVATE KEY-----\n" + KEY_BODY + "\n-----END RSA PRIVATE KEY-----",
                "ssl.key.password", "",
                "ssl.truststore.password", PASSWORD));

        assertThat(problems).hasSize(4).allSatisfy(p -> assertThat(p).startsWith("Invalid value [hidden] for Secret "
                + "kafka[").doesNotContain(PASSWORD).doesNotContain(KEY_BODY));
    }

    @Test
    void showsNonSecretValues() {
        assertThat(KafkaClientSettings.problems("spec.kafka.config", Map.of("ssl.truststore.location", "/etc/x")))
                .containsExactly("Invalid value '/etc/x' for spec.kafka.config[ssl.truststore.location]: settings "
                        + "that read local files or URLs are not allowed in the scaler; give certificates and keys as "
                        + "PEM content (ssl.truststore.certificates, ssl.keystore.certificate.chain, "
                        + "ssl.keystore.key)");
    }

    @Test
    void checksRulesBetweenKeys() {
        Map<String, String> saslWithoutJaas = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN");
        assertThat(KafkaClientSettings.crossProblems("spec.kafka", saslWithoutJaas)).singleElement().asString()
                .contains("SASL needs sasl.jaas.config");

        Map<String, String> mismatched = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256",
                "sasl.jaas.config", PLAIN);
        assertThat(KafkaClientSettings.crossProblems("spec.kafka", mismatched)).singleElement().asString()
                .contains("PlainLoginModule, which does not implement SCRAM-SHA-256").doesNotContain(PASSWORD);

        Map<String, String> noMechanism = Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", SCRAM);
        assertThat(KafkaClientSettings.crossProblems("spec.kafka", noMechanism)).singleElement().asString()
                .contains("Invalid value GSSAPI for spec.kafka[sasl.mechanism]");

        Map<String, String> pemWithoutType = Map.of("security.protocol", "SSL", "ssl.truststore.certificates", CERT);
        assertThat(KafkaClientSettings.crossProblems("spec.kafka", pemWithoutType)).singleElement().asString()
                .contains("[ssl.truststore.type]: must be PEM");

        Map<String, String> keyWithoutChain = Map.of("security.protocol", "SSL", "ssl.keystore.type", "PEM",
                "ssl.keystore.key", KEY);
        assertThat(KafkaClientSettings.crossProblems("spec.kafka", keyWithoutChain)).singleElement().asString()
                .contains("go together").doesNotContain(KEY_BODY);

        Map<String, String> sslOnPlaintext = Map.of("ssl.truststore.type", "PEM", "ssl.truststore.certificates", CERT);
        assertThat(KafkaClientSettings.crossProblems("spec.kafka", sslOnPlaintext)).singleElement().asString()
                .contains("security.protocol must be SSL or SASL_SSL");
    }

    @Test
    void redactsSecretValuesForPrinting() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("sasl.jaas.config", SCRAM);
        settings.put("ssl.keystore.key", KEY);
        settings.put("ssl.key.password", PASSWORD);
        settings.put("security.protocol", "SASL_SSL");

        assertThat(KafkaClientSettings.redacted(settings).toString()).doesNotContain(PASSWORD).doesNotContain(KEY_BODY)
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]");
    }

    @Test
    void parsesOneJaasEntryAsKafkaDoes() {
        KafkaClientSettings.Jaas jaas = KafkaClientSettings.Jaas.parse(
                "  org.apache.kafka.common.security.scram.ScramLoginModule   required\n username=\"a \\\"b\\\\\" "
                        + "password=pw-1 ;  ");
        assertThat(jaas.module()).isEqualTo(KafkaClientSettings.SCRAM_MODULE);
        assertThat(jaas.flag()).isEqualTo("required");
        assertThat(jaas.options()).containsEntry("username", "a \"b\\").containsEntry("password", "pw-1");
        assertThat(jaas.toString()).doesNotContain("pw-1");
    }
}
