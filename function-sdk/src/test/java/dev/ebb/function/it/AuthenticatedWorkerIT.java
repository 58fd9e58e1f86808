package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.FunctionWorker;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.testkit.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers configured as on Kubernetes, from environment-style settings and mounted Secret files, connect through a
 * SASL_SSL (SCRAM-SHA-512) listener and a mutual-TLS listener of a real broker and process every record. The test's
 * own producer and reader use the broker's PLAINTEXT listener.
 */
class AuthenticatedWorkerIT {

  private static KafkaBroker broker;

  @BeforeAll
  static void start() {
    broker = KafkaBroker.builder().saslSslScram().mutualTls().start();
    broker.createScramUser("orders-fn", "orders-fn-secret");
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void processesRecordsThroughSaslSslWithScramFromMountedSecretFiles(@TempDir Path dir) throws Exception {
    broker.certificates().writeClientFiles(dir.resolve("ca"));
    Files.writeString(dir.resolve("password"), "orders-fn-secret\n");
    Map<String, String> env = base("sasl", broker.saslSslBootstrapServers());
    env.put("EBB_SASL_MECHANISM", "SCRAM-SHA-512");
    env.put("EBB_SASL_USERNAME", "orders-fn");
    env.put("EBB_SASL_PASSWORD_FILE", dir.resolve("password").toString());
    env.put("EBB_TLS_CA_FILE", dir.resolve("ca").resolve("ca.crt").toString());
    runAndCheck(env);
  }

  @Test
  void processesRecordsThroughMutualTlsWithStrimziStyleUserFiles(@TempDir Path dir) throws Exception {
    broker.certificates().writeClientFiles(dir);
    Map<String, String> env = base("mtls", broker.mutualTlsBootstrapServers());
    env.put("EBB_TLS_CA_FILE", dir.resolve("ca.crt").toString());
    env.put("EBB_TLS_CERT_FILE", dir.resolve("user.crt").toString());
    env.put("EBB_TLS_KEY_FILE", dir.resolve("user.key").toString());
    runAndCheck(env);
  }

  private static Map<String, String> base(String name, String bootstrap) {
    Map<String, String> env = new HashMap<>();
    env.put("EBB_BOOTSTRAP_SERVERS", bootstrap);
    env.put("EBB_TOPICS", Records.unique(name + "-in"));
    env.put("EBB_OUTPUT_TOPIC", Records.unique(name + "-out"));
    env.put("EBB_GROUP", Records.unique(name + "-group"));
    env.put("EBB_HTTP_PORT", "off");
    env.put("EBB_COMMIT_INTERVAL", "200ms");
    env.put("EBB_SHUTDOWN_GRACE", "10s");
    env.put("EBB_WORKER_ID", name + "-worker");
    return env;
  }

  private static void runAndCheck(Map<String, String> env) throws Exception {
    WorkerConfig config = WorkerConfig.from(env);
    String in = config.topics().get(0);
    String out = config.outputTopic().orElseThrow();
    broker.createTopic(in, 2);
    broker.createTopic(out, 1);
    List<String> ids;
    try (KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      ids = Records.produce(producer, in, "id", 0, 100);
    }
    try (RunningWorker worker = FunctionWorker.start(TaggingFunction.of("w", Duration.ZERO), config)) {
      List<ConsumerRecord<String, String>> outputs = Records.readUntil(broker.bootstrapServers(), out, false,
          Duration.ofSeconds(90), got -> Records.distinctCovering(got, ids) == ids.size());
      assertThat(Records.countIds(outputs).keySet()).containsAll(ids);
      assertThat(worker.stats().processed()).isGreaterThanOrEqualTo(ids.size());
    }
  }
}
