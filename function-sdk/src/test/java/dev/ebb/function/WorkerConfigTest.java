package dev.ebb.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {
  private static final Map<String, String> MINIMAL = Map.of(
      "EBB_BOOTSTRAP_SERVERS", "k:9092", "EBB_TOPICS", "orders", "EBB_GROUP", "enricher");

  @Test
  void readsMinimalSettingsWithDefaults() {
    WorkerConfig c = WorkerConfig.from(MINIMAL);
    assertThat(c.topics()).containsExactly("orders");
    assertThat(c.groupId()).isEqualTo("enricher");
    assertThat(c.retries()).isEqualTo(3);
    assertThat(c.concurrency()).isEqualTo(1);
    assertThat(c.groupProtocol()).isEqualTo(GroupProtocol.AUTO);
    assertThat(c.guarantee()).isEqualTo(ProcessingGuarantee.AT_LEAST_ONCE);
    assertThat(c.httpPort()).isEqualTo(OptionalInt.of(8080));
    assertThat(c.isShareGroup()).isFalse();
  }

  @Test
  void reportsEveryMissingSettingAtOnceByName() {
    assertThatThrownBy(() -> WorkerConfig.from(Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3))
        .hasMessageContaining("Missing EBB_BOOTSTRAP_SERVERS")
        .hasMessageContaining("Missing EBB_TOPICS")
        .hasMessageContaining("Missing EBB_GROUP");
  }

  @Test
  void namesKeyValueAndRuleOfEachBadSetting() {
    Map<String, String> s = new java.util.HashMap<>(MINIMAL);
    s.put("EBB_RETRIES", "-5");
    s.put("EBB_CONCURRENCY", "many");
    s.put("EBB_RETRY_BACKOFF", "soon");
    s.put("EBB_GROUP_PROTOCOL", "fast");
    s.put("EBB_OUTPUT_TOPIC", "orders");
    assertThatThrownBy(() -> WorkerConfig.from(s))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(5))
        .hasMessageContaining("Invalid value -5 for EBB_RETRIES: must be >= 0")
        .hasMessageContaining("Invalid value many for EBB_CONCURRENCY: must be an integer")
        .hasMessageContaining("Invalid value soon for EBB_RETRY_BACKOFF: must be a duration")
        .hasMessageContaining("Invalid value fast for EBB_GROUP_PROTOCOL: must be one of [auto, consumer, classic]")
        .hasMessageContaining("Invalid value orders for EBB_OUTPUT_TOPIC: must not be one of the input topics");
  }

  @Test
  void rejectsBothGroupKindsAndExactlyOnceForShareGroups() {
    Map<String, String> s = new java.util.HashMap<>(MINIMAL);
    s.put("EBB_SHARE_GROUP", "queue");
    s.put("EBB_PROCESSING_GUARANTEE", "exactly_once");
    assertThatThrownBy(() -> WorkerConfig.from(s))
        .hasMessageContaining("set either EBB_GROUP or EBB_SHARE_GROUP, not both")
        .hasMessageContaining("share groups support at_least_once only");
  }

  @Test
  void passesKafkaSettingsThroughFromEnvironmentAndFileNames() {
    Map<String, String> s = new java.util.HashMap<>(MINIMAL);
    s.put("EBB_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    s.put("kafka.sasl.jaas.config", "x required;");
    WorkerConfig c = WorkerConfig.from(s);
    assertThat(c.kafka()).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", "x required;");
  }

  @Test
  void readsPropertiesFilesWithOrWithoutThePrefix(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("worker.properties");
    Files.writeString(file, """
        bootstrap.servers=k:9092
        EBB_TOPICS=a, b
        ebb.share.group=jobs
        retry.backoff=500ms
        http.port=off
        kafka.ssl.truststore.location=/etc/ts.jks
        """);
    WorkerConfig c = WorkerConfig.fromProperties(file);
    assertThat(c.topics()).containsExactly("a", "b");
    assertThat(c.isShareGroup()).isTrue();
    assertThat(c.groupId()).isEqualTo("jobs");
    assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.httpPort()).isEmpty();
    assertThat(c.kafka()).containsEntry("ssl.truststore.location", "/etc/ts.jks");
  }

  @Test
  void parsesDurationsInTheCrdsGrammar() {
    assertThat(WorkerConfig.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(WorkerConfig.parseDuration("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(WorkerConfig.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(WorkerConfig.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(WorkerConfig.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(WorkerConfig.parseDuration("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(WorkerConfig.parseDuration("0")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> WorkerConfig.parseDuration("12")).isInstanceOf(IllegalArgumentException.class);
    // ISO-8601 was accepted here once; the CRD never took it, so it is refused everywhere now.
    assertThatThrownBy(() -> WorkerConfig.parseDuration("PT1H")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1h30m");
  }

  @Test
  void environmentDurationsUseTheCrdsGrammarAndNameTheVariable() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL);
    env.put("EBB_COMMIT_INTERVAL", "1h30m");
    assertThat(WorkerConfig.from(env).commitInterval()).isEqualTo(Duration.ofMinutes(90));
    env.put("EBB_COMMIT_INTERVAL", "PT5S");
    assertThatThrownBy(() -> WorkerConfig.from(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("Invalid value PT5S for EBB_COMMIT_INTERVAL: must be a duration such as");
  }

  @Test
  void commitIntervalDefaultIsTheSharedConstant() {
    assertThat(WorkerConfig.from(MINIMAL).commitInterval())
        .isEqualTo(dev.ebb.common.Durations.parse(dev.ebb.common.CommitIntervals.SDK_DEFAULT));
  }

  @Test
  void builderValidatesLikeTheSettings() {
    assertThatThrownBy(() -> WorkerConfig.builder().bootstrapServers("k:1").topics("t").group("g")
        .retryBackoff(Duration.ofSeconds(5)).retryBackoffMax(Duration.ofSeconds(1)).maxInFlight(0).build())
        .hasMessageContaining("Invalid value PT1S for EBB_RETRY_BACKOFF_MAX: must be >= EBB_RETRY_BACKOFF (PT5S)")
        .hasMessageContaining("Invalid value 0 for EBB_MAX_IN_FLIGHT: must be >= 1");
  }

  @Test
  void buildsSaslSettingsFromMountedSecretFiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("username"), "orders-fn\n");
    Files.writeString(dir.resolve("password"), "pa\"ss\\w0rd\n");
    Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    Map<String, String> s = new java.util.HashMap<>(MINIMAL);
    s.put("EBB_SASL_MECHANISM", "SCRAM-SHA-512");
    s.put("EBB_SASL_USERNAME_FILE", dir.resolve("username").toString());
    s.put("EBB_SASL_PASSWORD_FILE", dir.resolve("password").toString());
    s.put("EBB_TLS_CA_FILE", dir.resolve("ca.crt").toString());

    WorkerConfig c = WorkerConfig.from(s);

    assertThat(c.kafka()).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"orders-fn\" password=\"pa\\\"ss\\\\w0rd\";")
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----");
    assertThat(c.toString()).doesNotContain("w0rd").contains("sasl.jaas.config=[hidden]");
  }

  @Test
  void buildsMutualTlsSettingsFromStrimziUserFiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("user.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    Files.writeString(dir.resolve("user.key"), "-----BEGIN PRIVATE KEY-----\nSECRETKEYBODY\n-----END PRIVATE KEY-----\n");
    Map<String, String> s = new java.util.HashMap<>(MINIMAL);
    s.put("EBB_TLS_CERT_FILE", dir.resolve("user.crt").toString());
    s.put("EBB_TLS_KEY_FILE", dir.resolve("user.key").toString());

    WorkerConfig c = WorkerConfig.from(s);

    assertThat(c.kafka()).containsEntry("security.protocol", "SSL").containsEntry("ssl.keystore.type", "PEM")
        .containsEntry("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----\nSECRETKEYBODY\n-----END PRIVATE KEY-----");
    assertThat(c.toString()).doesNotContain("SECRETKEYBODY").contains("ssl.keystore.key=[hidden]");
  }

  @Test
  void reportsCredentialProblemsWithoutTheirValues() {
    Map<String, String> s = new java.util.HashMap<>(MINIMAL);
    s.put("EBB_SASL_MECHANISM", "GSSAPI");
    s.put("EBB_SASL_PASSWORD", "hunter2");
    s.put("EBB_TLS_CERT_FILE", "/no/such/user.crt");
    assertThatThrownBy(() -> WorkerConfig.from(s))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "Invalid value GSSAPI for EBB_SASL_MECHANISM: must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
            "Missing EBB_SASL_USERNAME (or EBB_SASL_USERNAME_FILE): EBB_SASL_MECHANISM is set",
            "Missing EBB_TLS_KEY_FILE: EBB_TLS_CERT_FILE and EBB_TLS_KEY_FILE go together (a client certificate "
                + "and its private key)"))
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void toStringHidesSecretPassThroughSettings() {
    WorkerConfig c = WorkerConfig.builder().bootstrapServers("k:9092").topics("t").group("g")
        .kafka("sasl.jaas.config", "x required password=\"hunter2\";").kafka("ssl.key.password", "hunter3")
        .kafka("security.protocol", "SASL_SSL").build();
    assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("hunter3")
        .contains("security.protocol=SASL_SSL", "bootstrapServers=k:9092");
  }
}
