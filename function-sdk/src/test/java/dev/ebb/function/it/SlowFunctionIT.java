package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.FunctionWorker;
import dev.ebb.function.ProcessingGuarantee;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A function whose records together take longer than {@code max.poll.interval.ms}: no rebalance loop. */
@ExtendWith(KafkaBrokerExtension.class)
class SlowFunctionIT {
  private final KafkaBroker broker;

  SlowFunctionIT(KafkaBroker broker) {
    this.broker = broker;
  }

  @ParameterizedTest
  @EnumSource(ProcessingGuarantee.class)
  void functionSlowerThanMaxPollIntervalKeepsItsPartitionsAndProcessesEachRecordOnce(ProcessingGuarantee guarantee)
      throws Exception {
    String in = Records.unique("slowpoll-in");
    String out = Records.unique("slowpoll-out");
    broker.createTopic(in, 2);
    broker.createTopic(out, 1);
    List<String> ids;
    try (KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      ids = Records.produce(producer, in, "s", 0, 12);
    }
    // 12 records of 400 ms on one thread: ~5 s of work fetched in one poll, against a 1 s poll interval.
    RunningWorker w = FunctionWorker.start(TaggingFunction.of("w", Duration.ofMillis(400)),
        WorkerConfig.builder().bootstrapServers(broker.bootstrapServers()).topics(in)
            .group(Records.unique("slowpoll-group")).outputTopic(out).workerId(Records.unique("slowpoll"))
            .httpOff().guarantee(guarantee).commitInterval(Duration.ofMillis(200))
            .kafka("max.poll.interval.ms", "1000").build());
    try {
      boolean readCommitted = guarantee == ProcessingGuarantee.EXACTLY_ONCE;
      Records.readUntil(broker.bootstrapServers(), out, readCommitted, Duration.ofSeconds(60),
          o -> Records.distinctCovering(o, ids) == ids.size());
      List<ConsumerRecord<String, String>> got = Records.readUntil(broker.bootstrapServers(), out, readCommitted,
          Duration.ofSeconds(2), o -> false);
      Map<String, Integer> counts = Records.countIds(got);
      assertThat(counts.keySet()).containsAll(ids);
      assertThat(got).as("each record processed once").hasSize(ids.size());
      assertThat(w.stats().abandoned()).as("no partition was taken away mid-work").isZero();
      assertThat(w.stats().processed()).isEqualTo(ids.size());
    } finally {
      w.close();
    }
  }
}
