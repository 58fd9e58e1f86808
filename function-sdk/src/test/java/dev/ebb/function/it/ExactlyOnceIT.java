package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Transactional consume-transform-produce across a SIGKILL. */
@ExtendWith(KafkaBrokerExtension.class)
class ExactlyOnceIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final KafkaBroker broker;

  ExactlyOnceIT(KafkaBroker broker) {
    this.broker = broker;
  }

  private Map<String, String> env(String in, String out, String group, String id) {
    Map<String, String> env = new HashMap<>();
    env.put("EBB_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    env.put("EBB_TOPICS", in);
    env.put("EBB_GROUP", group);
    env.put("EBB_OUTPUT_TOPIC", out);
    env.put("EBB_WORKER_ID", id);
    env.put("EBB_PROCESSING_GUARANTEE", "exactly_once");
    env.put("EBB_GROUP_PROTOCOL", "consumer");
    env.put("EBB_KAFKA_MAX_POLL_RECORDS", "200");
    env.put("EBB_HTTP_PORT", "off");
    env.put("TEST_WORK", "2ms");
    return env;
  }

  @Test
  void readCommittedConsumersSeeEachResultOnceAcrossAWorkerKill() throws Exception {
    String in = Records.unique("eos-in");
    String out = Records.unique("eos-out");
    String group = Records.unique("eos-group");
    broker.createTopic(in, 4);
    broker.createTopic(out, 2);
    WorkerProcessIT.shortSessionTimeout(broker, group);
    try (WorkerProcesses procs = new WorkerProcesses();
         KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      List<String> ids = new ArrayList<>(Records.produce(producer, in, "e", 0, 600));
      Process a = procs.start("eos-a", env(in, out, group, "eos-a"));
      procs.start("eos-b", env(in, out, group, "eos-b"));
      Records.readUntil(broker.bootstrapServers(), out, true, WAIT,
          o -> o.stream().filter(r -> r.value().endsWith(",eos-a")).count() >= 100);

      a.destroyForcibly();
      assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
      // The replacement keeps the worker id, as a StatefulSet pod does: its transactional id fences the dead one's
      // open transaction at once.
      procs.start("eos-a2", env(in, out, group, "eos-a"));
      ids.addAll(Records.produce(producer, in, "e", 600, 800));

      List<ConsumerRecord<String, String>> committed = Records.readUntil(broker.bootstrapServers(), out, true, WAIT,
          o -> Records.distinctCovering(o, ids) == ids.size());
      Map<String, Integer> counts = Records.countIds(committed);
      List<ConsumerRecord<String, String>> all = Records.readUntil(broker.bootstrapServers(), out, false,
          Duration.ofSeconds(3), o -> false);
      System.out.printf("exactly-once: produced %d, read_committed saw %d results (%d distinct);"
          + " read_uncommitted saw %d%n", ids.size(), committed.size(), counts.size(), all.size());
      assertThat(counts.keySet()).containsAll(ids);
      assertThat(committed).hasSize(ids.size());
    }
  }
}
