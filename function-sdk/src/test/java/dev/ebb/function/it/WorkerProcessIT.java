package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Worker processes stopped with SIGTERM and SIGKILL while records flow. */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final KafkaBroker broker;

  WorkerProcessIT(KafkaBroker broker) {
    this.broker = broker;
  }

  private Map<String, String> env(String in, String out, String group, String id) {
    Map<String, String> env = new HashMap<>();
    env.put("EBB_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    env.put("EBB_TOPICS", in);
    env.put("EBB_GROUP", group);
    env.put("EBB_OUTPUT_TOPIC", out);
    env.put("EBB_WORKER_ID", id);
    env.put("EBB_COMMIT_INTERVAL", "200ms");
    env.put("EBB_SHUTDOWN_GRACE", "20s");
    env.put("EBB_HTTP_PORT", "off");
    env.put("EBB_MAX_IN_FLIGHT", "200");
    env.put("TEST_WORK", "2ms");
    return env;
  }

  /** The broker's minimum, so the group notices a killed member in 3 s rather than 10 s. */
  static void shortSessionTimeout(KafkaBroker broker, String group) {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
          new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", "3000"), AlterConfigOp.OpType.SET))))
          .all().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.out.println("could not shorten the session timeout of " + group + ": " + e);
    }
  }

  private static List<ConsumerRecord<String, String>> from(List<ConsumerRecord<String, String>> outputs,
                                                           String worker) {
    return outputs.stream().filter(r -> r.value().endsWith("," + worker)).toList();
  }

  private static void awaitOutputsFrom(String bootstrap, String topic, String worker, int n) {
    List<ConsumerRecord<String, String>> got = Records.readUntil(bootstrap, topic, false, WAIT,
        o -> from(o, worker).size() >= n);
    assertThat(from(got, worker).size()).as("outputs from " + worker).isGreaterThanOrEqualTo(n);
  }

  @Test
  void sigtermFinishesInFlightRecordsWithoutLossOrDuplicates() throws Exception {
    String in = Records.unique("term-in");
    String out = Records.unique("term-out");
    String group = Records.unique("term-group");
    broker.createTopic(in, 4);
    broker.createTopic(out, 1);
    Path stats = Files.createTempFile("ebb-worker-stats", ".txt");
    try (WorkerProcesses procs = new WorkerProcesses();
         KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      List<String> ids = new ArrayList<>(Records.produce(producer, in, "t", 0, 1000));
      Map<String, String> envA = env(in, out, group, "term-a");
      envA.put("TEST_STATS", stats.toString());
      Process a = procs.start("term-a", envA);
      procs.start("term-b", env(in, out, group, "term-b"));
      awaitOutputsFrom(broker.bootstrapServers(), out, "term-a", 100);

      long t0 = System.nanoTime();
      a.destroy();
      assertThat(a.waitFor(30, TimeUnit.SECONDS)).as("worker a exits after SIGTERM").isTrue();
      System.out.printf("SIGTERM: worker a exited %d ms after SIGTERM%n", (System.nanoTime() - t0) / 1_000_000);
      ids.addAll(Records.produce(producer, in, "t", 1000, 1200));

      List<ConsumerRecord<String, String>> outputs = Records.readUntil(broker.bootstrapServers(), out, false, WAIT,
          o -> Records.distinctCovering(o, ids) == ids.size());
      Map<String, Integer> counts = Records.countIds(outputs);
      Map<String, String> s = Files.readAllLines(stats).stream().map(l -> l.split("="))
          .collect(Collectors.toMap(x -> x[0], x -> x[1]));
      System.out.printf("SIGTERM: produced %d, processed %d distinct, %d duplicates, worker a %s%n",
          ids.size(), counts.size(), outputs.size() - counts.size(), s);
      assertThat(counts.keySet()).containsAll(ids);
      assertThat(outputs).hasSize(counts.size());
      assertThat(Integer.parseInt(s.get("inFlightAtSigterm"))).as("records in flight at SIGTERM").isPositive();
      assertThat(s).containsEntry("abandoned", "0").containsEntry("inFlight", "0");
      assertThat(from(outputs, "term-a")).hasSize(Integer.parseInt(s.get("processed")));
    } finally {
      Files.deleteIfExists(stats);
    }
  }

  @Test
  void sigkillLosesNothingAndDuplicatesOnlyTheKilledWorkersUncommittedRecords() throws Exception {
    String in = Records.unique("kill-in");
    String out = Records.unique("kill-out");
    String group = Records.unique("kill-group");
    broker.createTopic(in, 4);
    broker.createTopic(out, 1);
    shortSessionTimeout(broker, group);
    try (WorkerProcesses procs = new WorkerProcesses();
         KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      List<String> ids = new ArrayList<>(Records.produce(producer, in, "k", 0, 1000));
      Process a = procs.start("kill-a", env(in, out, group, "kill-a"));
      Process b = procs.start("kill-b", env(in, out, group, "kill-b"));
      awaitOutputsFrom(broker.bootstrapServers(), out, "kill-a", 100);

      a.destroyForcibly();
      assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
      ids.addAll(Records.produce(producer, in, "k", 1000, 1200));

      List<ConsumerRecord<String, String>> outputs = Records.readUntil(broker.bootstrapServers(), out, false, WAIT,
          o -> Records.distinctCovering(o, ids) == ids.size());
      Map<String, Integer> counts = Records.countIds(outputs);
      List<String> duplicated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
          .toList();
      List<String> byKilled = from(outputs, "kill-a").stream().map(r -> r.value().split(",")[0]).toList();
      System.out.printf("SIGKILL: produced %d, processed %d distinct, %d duplicates (killed worker processed %d)%n",
          ids.size(), counts.size(), outputs.size() - counts.size(), byKilled.size());
      assertThat(counts.keySet()).containsAll(ids);
      assertThat(byKilled).containsAll(duplicated);
      assertThat(counts.values()).allMatch(c -> c <= 2);
      // FunctionWorker.run's own shutdown hook drains and lets the process exit.
      b.destroy();
      assertThat(b.waitFor(30, TimeUnit.SECONDS)).as("worker b exits after SIGTERM").isTrue();
    }
  }
}
