package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A consumer-protocol worker whose group turned into a classic group under it: the broker's own answer "Group ... is
 * not a consumer group." (GroupIdNotFoundException), which the Kafka client treats as fatal for that consumer. Staged
 * with a real broker: a classic member (subscribed to another topic) shares the group; the worker process is
 * SIGSTOPped past its 3 s session, so the coordinator fences it and, its last consumer-protocol member gone, downgrades
 * the group to classic; SIGCONT, and the worker's next heartbeat (member epoch > 0) gets that answer.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GroupDroppedIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private final KafkaBroker broker;

  GroupDroppedIT(KafkaBroker broker) {
    this.broker = broker;
  }

  @ParameterizedTest
  @ValueSource(strings = {"at_least_once", "exactly_once"})
  void workerDroppedFromItsGroupRejoinsWithAFreshConsumerAndLosesNothing(String guarantee) throws Exception {
    boolean exactlyOnce = guarantee.equals("exactly_once");
    String in = Records.unique("dropped-in");
    String out = Records.unique("dropped-out");
    String other = Records.unique("dropped-other");
    String group = Records.unique("dropped-group");
    broker.createTopic(in, 2);
    broker.createTopic(out, 1);
    broker.createTopic(other, 1);
    WorkerProcessIT.shortSessionTimeout(broker, group);
    AtomicBoolean classicRuns = new AtomicBoolean(true);
    Thread classic = null;
    try (WorkerProcesses procs = new WorkerProcesses();
         KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      Map<String, String> env = new HashMap<>();
      env.put("EBB_BOOTSTRAP_SERVERS", broker.bootstrapServers());
      env.put("EBB_TOPICS", in);
      env.put("EBB_GROUP", group);
      env.put("EBB_GROUP_PROTOCOL", "consumer");
      env.put("EBB_OUTPUT_TOPIC", out);
      env.put("EBB_WORKER_ID", "dropped-a");
      env.put("EBB_COMMIT_INTERVAL", "200ms");
      env.put("EBB_HTTP_PORT", "off");
      env.put("TEST_WORK", "1ms");
      env.put("EBB_PROCESSING_GUARANTEE", guarantee);
      Process worker = procs.start("dropped-a", env);
      List<String> ids = new ArrayList<>(Records.produce(producer, in, "k", 0, 200));
      Records.readUntil(broker.bootstrapServers(), out, exactlyOnce, WAIT,
          o -> Records.distinctCovering(o, ids) == 200);

      // A classic member in the same group (online upgrade keeps the group a consumer group while the worker is in it).
      AtomicBoolean classicJoined = new AtomicBoolean();
      classic = new Thread(() -> {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(classicProps(broker.bootstrapServers(), group))) {
          c.subscribe(List.of(other));
          while (classicRuns.get()) {
            c.poll(Duration.ofMillis(100));
            if (!c.assignment().isEmpty()) {
              classicJoined.set(true);
            }
          }
        }
      }, "classic-member");
      classic.start();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!classicJoined.get() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(classicJoined).as("the classic member joined").isTrue();

      signal(worker, "STOP");
      Thread.sleep(10_000); // well past the 3 s session: fenced, group downgraded to classic
      ids.addAll(Records.produce(producer, in, "k", 200, 400));
      signal(worker, "CONT");
      ids.addAll(Records.produce(producer, in, "k", 400, 600));

      List<ConsumerRecord<String, String>> outputs = Records.readUntil(broker.bootstrapServers(), out, exactlyOnce,
          WAIT, o -> Records.distinctCovering(o, ids) == ids.size());
      Map<String, Integer> counts = Records.countIds(outputs);
      assertThat(counts.keySet()).as("nothing lost").containsAll(ids);
      if (exactlyOnce) {
        assertThat(outputs).as("read_committed sees each result once").hasSize(counts.size());
      }
      String log = Files.readString(procs.log("dropped-a"));
      assertThat(log).as("the broker said the group is not a consumer group").contains("is not a consumer group");
      assertThat(worker.isAlive()).as("worker still running").isTrue();
    } finally {
      classicRuns.set(false);
      if (classic != null) {
        classic.join();
      }
    }
  }

  private static Properties classicProps(String bootstrap, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    return p;
  }

  private static void signal(Process p, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
  }
}
