package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.FunctionWorker;
import dev.ebb.function.GroupProtocol;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Workers as threads in this JVM, scaled while records flow, with both group protocols. */
@ExtendWith(KafkaBrokerExtension.class)
class AtLeastOnceIT {
  private final KafkaBroker broker;

  AtLeastOnceIT(KafkaBroker broker) {
    this.broker = broker;
  }

  private WorkerConfig config(String in, String out, String group, GroupProtocol protocol, String id) {
    return WorkerConfig.builder()
        .bootstrapServers(broker.bootstrapServers())
        .topics(in).group(group).outputTopic(out)
        .groupProtocol(protocol)
        .commitInterval(Duration.ofMillis(200))
        .shutdownGrace(Duration.ofSeconds(10))
        .httpOff()
        .workerId(id)
        .build();
  }

  @ParameterizedTest
  @EnumSource(value = GroupProtocol.class, names = {"CONSUMER", "CLASSIC"})
  void losesNoRecordWhileScalingFromOneToFourWorkersAndBack(GroupProtocol protocol) throws Exception {
    String in = Records.unique("scale-in");
    String out = Records.unique("scale-out");
    String group = Records.unique("scale-group");
    broker.createTopic(in, 8);
    broker.createTopic(out, 1);
    List<String> ids = new ArrayList<>();
    List<RunningWorker> workers = new ArrayList<>();
    try (KafkaProducer<String, String> producer = Records.producer(broker.bootstrapServers())) {
      workers.add(FunctionWorker.start(TaggingFunction.of("w0", Duration.ofMillis(1)),
          config(in, out, group, protocol, "w0")));
      int next = 0;
      ids.addAll(Records.produce(producer, in, "id", next, next += 300));
      for (int i = 1; i < 4; i++) {
        workers.add(FunctionWorker.start(TaggingFunction.of("w" + i, Duration.ofMillis(1)),
            config(in, out, group, protocol, "w" + i)));
        ids.addAll(Records.produce(producer, in, "id", next, next += 300));
        Thread.sleep(300);
      }
      for (int i = 3; i >= 1; i--) {
        ids.addAll(Records.produce(producer, in, "id", next, next += 300));
        workers.remove(i).close();
      }
      ids.addAll(Records.produce(producer, in, "id", next, next += 300));

      List<ConsumerRecord<String, String>> outputs = Records.readUntil(broker.bootstrapServers(), out, false,
          Duration.ofSeconds(60), got -> Records.distinctCovering(got, ids) == ids.size());
      Map<String, Integer> counts = Records.countIds(outputs);
      long duplicates = outputs.size() - counts.size();
      System.out.printf("scale 1->4->1 (%s): produced %d, processed %d distinct, %d duplicates%n",
          protocol, ids.size(), counts.size(), duplicates);
      assertThat(counts.keySet()).containsAll(ids);
      assertThat(workers.get(0).stats().processed()).isPositive();
    } finally {
      workers.forEach(RunningWorker::close);
    }
  }
}
