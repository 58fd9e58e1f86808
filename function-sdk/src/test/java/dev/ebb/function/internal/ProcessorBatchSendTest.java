package dev.ebb.function.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.Codecs;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.WorkerConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A send that throws half-way through a batch's results is not the function's failure: the batch must not be
 * retried (its first results would go out again) and the worker stops, as for a single record.
 */
class ProcessorBatchSendTest {

  @Test
  void aSendThatThrowsHalfWayStopsTheWorkerInsteadOfRetryingTheBatch() {
    AtomicInteger sends = new AtomicInteger();
    MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (sends.incrementAndGet() == 2) {
          throw new KafkaException("producer closed");
        }
        return super.send(record, callback);
      }
    };
    AtomicInteger calls = new AtomicInteger();
    EbbFunction<String, String> fn = EbbFunction.batch(Codecs.string(), Codecs.string(), records -> {
      calls.incrementAndGet();
      return records.stream().map(r -> r.value().toUpperCase()).toList();
    });
    WorkerConfig config = WorkerConfig.builder().bootstrapServers("k:9092").topics("in").group("g")
        .outputTopic("out").retries(3).retryBackoff(Duration.ofMillis(1)).retryBackoffMax(Duration.ofMillis(1))
        .build();
    AtomicReference<Throwable> fatal = new AtomicReference<>();
    Processor<String, String> processor = new Processor<>(fn, config, new WorkerMetrics(1), producer, fatal);
    PartitionTracker tracker = new PartitionTracker();
    Segment segment = tracker.add(new long[] {0, 1, 2});
    List<Pending> batch = List.of(pending(segment, 0), pending(segment, 1), pending(segment, 2));

    processor.process(batch);

    assertThat(calls).as("function calls: a failed send is not a reason to retry").hasValue(1);
    assertThat(producer.history()).as("outputs sent").hasSize(1);
    assertThat(fatal.get()).isInstanceOf(KafkaException.class).hasMessageContaining("producer closed");
    assertThat(tracker.committable()).as("only the record whose output was sent may be committed").hasValue(1);
  }

  private static Pending pending(Segment segment, int i) {
    return new Pending(new ConsumerRecord<>("in", 0, i, null, ("v" + i).getBytes()), segment, i);
  }
}
