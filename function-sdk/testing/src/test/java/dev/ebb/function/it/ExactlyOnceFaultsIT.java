package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.Codec;
import dev.ebb.function.Codecs;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.ProcessingGuarantee;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.function.testing.FunctionTestHarness;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Exactly-once on its rare paths: shutdown after an abort, slow functions, a batch failing half-way. */
@ExtendWith(KafkaBrokerExtension.class)
class ExactlyOnceFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private final KafkaBroker broker;

  ExactlyOnceFaultsIT(KafkaBroker broker) {
    this.broker = broker;
  }

  private WorkerConfig.Builder eos(String in, String out, String group, String id) {
    return WorkerConfig.builder().bootstrapServers(broker.bootstrapServers()).topics(in).group(group)
        .outputTopic(out).workerId(id).httpOff().guarantee(ProcessingGuarantee.EXACTLY_ONCE);
  }

  private static void awaitProcessed(RunningWorker w, long n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (w.stats().processed() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(w.stats().processed()).isGreaterThanOrEqualTo(n);
  }

  private List<ConsumerRecord<String, String>> awaitAllOnce(String out, List<String> ids) {
    List<ConsumerRecord<String, String>> got = Records.readUntil(broker.bootstrapServers(), out, true, WAIT,
        o -> Records.distinctCovering(o, ids) == ids.size());
    // A little longer, to see duplicates that would follow.
    got = Records.readUntil(broker.bootstrapServers(), out, true, Duration.ofSeconds(2), o -> false);
    Map<String, Integer> counts = Records.countIds(got);
    assertThat(counts.keySet()).as("every input has a committed result").containsAll(ids);
    assertThat(got).as("no result twice").hasSize(counts.size());
    return got;
  }

  @Test
  void shutdownAfterAnAbortedTransactionCommitsNoOffsetOutsideATransaction() throws Exception {
    String in = Records.unique("eosab-in");
    String out = Records.unique("eosab-out");
    String group = Records.unique("eosab-group");
    broker.createTopic(in, 1);
    broker.createTopic(out, 1);
    List<String> ids;
    try (KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      ids = new ArrayList<>(Records.produce(producer, in, "ab", 0, 5));
      ids.addAll(Records.produce(producer, in, "hold", 5, 6));
    }
    // Five quick records, then one that outlasts the shutdown grace: close() aborts the transaction holding all six.
    EbbFunction<String, String> fn = EbbFunction.of(Codecs.string(), Codecs.string(), r -> {
      if (r.value().startsWith("hold")) {
        LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
      }
      return r.value() + ",a";
    });
    RunningWorker a = FunctionWorker.start(fn,
        eos(in, out, group, "eosab-a").shutdownGrace(Duration.ofMillis(500)).build());
    awaitProcessed(a, 5);
    a.close();
    assertThat(a.stats().abandoned()).as("records given up by the abort").isPositive();

    RunningWorker b = FunctionWorker.start(TaggingFunction.of("b", Duration.ZERO), eos(in, out, group, "eosab-b").build());
    try {
      awaitAllOnce(out, ids);
    } finally {
      b.close();
    }
  }

  @Test
  void functionSlowerThanTheTransactionTimeoutCommitsEarlyInsteadOfCrashLooping() throws Exception {
    String in = Records.unique("eosslow-in");
    String out = Records.unique("eosslow-out");
    String group = Records.unique("eosslow-group");
    broker.createTopic(in, 1);
    broker.createTopic(out, 1);
    List<String> ids;
    try (KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      ids = Records.produce(producer, in, "slow", 0, 150);
    }
    // 150 records of 100 ms in one poll = 15 s of work, against a 2 s transaction timeout (the broker aborts expired
    // transactions within its 10 s check interval).
    RunningWorker w = FunctionWorker.start(TaggingFunction.of("w", Duration.ofMillis(100)),
        eos(in, out, group, "eosslow").kafka("transaction.timeout.ms", "2000").build());
    try {
      awaitAllOnce(out, ids);
      assertThat(w.termination().toCompletableFuture().isDone()).as("worker still running").isFalse();
    } finally {
      w.close();
    }
  }

  @Test
  void batchFunctionFailingHalfWayDoesNotLeaveItsFirstResultsTwice() {
    AtomicBoolean failedOnce = new AtomicBoolean();
    Codec<String> flakyOut = Codecs.of(b -> new String(b, StandardCharsets.UTF_8), v -> {
      if (v.equals("B") && failedOnce.compareAndSet(false, true)) {
        throw new IllegalStateException("encoder hiccup");
      }
      return v.getBytes(StandardCharsets.UTF_8);
    });
    EbbFunction<String, String> fn = EbbFunction.batch(Codecs.string(), flakyOut,
        rs -> rs.stream().map(r -> r.value().toUpperCase()).toList());
    try (var harness = FunctionTestHarness.start(fn, broker.bootstrapServers(), 1,
        b -> b.guarantee(ProcessingGuarantee.EXACTLY_ONCE))) {
      List<String> sent = new ArrayList<>(List.of("a", "b", "c"));
      // One poll, one lane batch: stop the worker from fetching them one by one by sending before it is assigned.
      for (String v : sent) {
        harness.send(v, v);
      }
      assertThat(harness.awaitOutputs(3, Duration.ofSeconds(30))).containsExactly("A", "B", "C");
      assertThat(harness.awaitOutputs(4, Duration.ofSeconds(3))).as("nothing twice").hasSize(3);
      assertThat(failedOnce).isTrue();
    }
  }
}
