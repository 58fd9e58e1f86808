package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.Codecs;
import dev.ebb.function.DeadLetterHeaders;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Share-group (KIP-932) workers: more workers than partitions, ACCEPT after processing, REJECT after dead-lettering. */
@ExtendWith(KafkaBrokerExtension.class)
class ShareGroupIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final KafkaBroker broker;

  ShareGroupIT(KafkaBroker broker) {
    this.broker = broker;
  }

  @Test
  void processesEveryRecordAndDeadLettersThePoisonWithMoreWorkersThanPartitions() throws Exception {
    String in = Records.unique("share-in");
    String out = Records.unique("share-out");
    String dlq = Records.unique("share-dlq");
    String group = Records.unique("share-group");
    broker.createTopic(in, 1);
    broker.createTopic(out, 1);
    broker.createTopic(dlq, 1);
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      // A new share group starts at the log end by default; this one should see what was produced before.
      admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
          new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
          .all().get(10, TimeUnit.SECONDS);
    }
    List<RunningWorker> workers = new ArrayList<>();
    try (KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      List<String> ids = new ArrayList<>(Records.produce(producer, in, "s", 0, 100));
      Records.produce(producer, in, "poison", 0, 1);
      for (int i = 0; i < 2; i++) {
        workers.add(FunctionWorker.start(TaggingFunction.of("share-" + i, Duration.ofMillis(1)),
            WorkerConfig.builder().bootstrapServers(broker.bootstrapServers()).topics(in).shareGroup(group)
                .outputTopic(out).dlqTopic(dlq).retries(1).retryBackoff(Duration.ofMillis(10)).httpOff()
                .workerId("share-" + i).build()));
      }
      ids.addAll(Records.produce(producer, in, "s", 100, 200));

      long t0 = System.nanoTime();
      List<ConsumerRecord<String, String>> outputs = Records.readUntil(broker.bootstrapServers(), out, false, WAIT,
          o -> Records.distinctCovering(o, ids) == ids.size());
      List<ConsumerRecord<String, String>> dead = Records.readUntil(broker.bootstrapServers(), dlq, false, WAIT,
          o -> !o.isEmpty());
      System.out.printf("share group: all read after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      Map<String, Integer> counts = Records.countIds(outputs);
      System.out.printf("share group: produced %d, processed %d distinct, %d duplicates%n", ids.size(),
          counts.size(), outputs.size() - counts.size());
      assertThat(counts.keySet()).containsAll(ids);
      assertThat(counts).doesNotContainKey("poison-0");
      assertThat(dead).hasSize(1);
      assertThat(Records.header(dead.get(0), DeadLetterHeaders.ATTEMPTS)).isEqualTo("2");
      assertThat(Records.header(dead.get(0), DeadLetterHeaders.GROUP)).isEqualTo(group);
    } finally {
      long t0 = System.nanoTime();
      workers.forEach(RunningWorker::close);
      System.out.printf("share group: workers closed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
  }

  @Test
  void acknowledgesRecordsAsTheyCompleteSoACrashRedeliversOnlyTheUnfinishedOne() throws Exception {
    String in = Records.unique("shareack-in");
    String group = Records.unique("shareack-group");
    broker.createTopic(in, 1);
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    CountDownLatch release = new CountDownLatch(1);
    EbbFunction<String, String> holding = EbbFunction.of(Codecs.string(), Codecs.string(), r -> {
      if (r.value().startsWith("hold")) {
        release.await(60, TimeUnit.SECONDS);
      }
      return null;
    });
    List<String> second = java.util.Collections.synchronizedList(new ArrayList<>());
    EbbFunction<String, String> recording = EbbFunction.of(Codecs.string(), Codecs.string(), r -> {
      second.add(r.value());
      return null;
    });
    try (Admin admin = Admin.create(p);
         KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
          new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
          .all().get(10, TimeUnit.SECONDS);
      Records.produce(producer, in, "s", 0, 4);
      Records.produce(producer, in, "hold", 4, 5);
      WorkerConfig.Builder config = WorkerConfig.builder().bootstrapServers(broker.bootstrapServers()).topics(in)
          .shareGroup(group).httpOff();
      RunningWorker a = FunctionWorker.start(holding, config.workerId(Records.unique("shareack-a")).build());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (a.stats().processed() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(a.stats().processed()).isEqualTo(4);
      // The four acknowledgements reached the broker: the share-partition start offset moved past them.
      awaitStartOffset(admin, group, new TopicPartition(in, 0), 4);
      // A crash while the last record of the poll is still being processed.
      a.abort();
      release.countDown();
      RunningWorker b = FunctionWorker.start(recording, config.workerId(Records.unique("shareack-b")).build());
      try {
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!second.contains("hold-4") && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        // A later record proves the next fetches ran: a redelivery of s-0..s-3 (lower offsets, available since
        // the crash) would have come before it. No waiting for "nothing to happen".
        Records.produce(producer, in, "marker", 5, 6);
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!second.contains("marker-5") && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(second).as("records the crashed worker had finished were acknowledged, not redelivered")
            .containsExactly("hold-4", "marker-5");
      } finally {
        b.close();
      }
    }
  }

  /** Waits until the group's start offset of {@code tp} is at least {@code offset}: everything before it is acked. */
  private static void awaitStartOffset(Admin admin, String group, TopicPartition tp, long offset) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long start = -1;
    while (System.nanoTime() < deadline) {
      Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin.listShareGroupOffsets(
          Map.of(group, new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(group).get(10, TimeUnit.SECONDS);
      SharePartitionOffsetInfo info = offsets.get(tp);
      start = info == null ? -1 : info.startOffset();
      if (start >= offset) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("start offset of " + tp + " in share group " + group + " stayed at " + start
        + ", below " + offset);
  }
}
