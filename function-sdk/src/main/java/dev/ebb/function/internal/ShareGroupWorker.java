package dev.ebb.function.internal;

import dev.ebb.function.EbbFunction;
import dev.ebb.function.WorkerConfig;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;

/**
 * A share-group worker (KIP-932, queue semantics). Each poll's records are processed, outputs flushed, then each
 * record is acknowledged: ACCEPT when processed, REJECT when it failed every attempt (after the dead-letter send),
 * RELEASE when the worker stopped before finishing it (so another member gets it at once).
 */
public final class ShareGroupWorker extends WorkerRuntime {
  private final KafkaShareConsumer<byte[], byte[]> consumer;

  public ShareGroupWorker(EbbFunction<?, ?> function, WorkerConfig config) {
    super(function, config);
    try {
      this.consumer = new KafkaShareConsumer<>(ClientConfigs.shareConsumer(config));
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  @Override
  protected void runLoop() throws Exception {
    consumer.subscribe(config.topics());
    Duration poll = ClientConfigs.pollTimeout();
    while (!stopRequested) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(poll);
      ready = true;
      checkFatal();
      if (!records.isEmpty()) {
        processAndAcknowledge(records);
      }
    }
    ready = false;
    if (aborted) {
      closeConsumerAbruptly();
      return;
    }
    try {
      consumer.commitSync(Duration.ofSeconds(10));
    } catch (KafkaException e) {
      LOG.log(Level.WARNING, "Final acknowledgement commit failed; those records will be delivered again: {0}",
          e.toString());
    }
    consumer.close(Duration.ofSeconds(10));
  }

  private void processAndAcknowledge(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    // One tracker per poll: it only serves as the outcome store and the "give up" flag here.
    PartitionTracker batch = new PartitionTracker();
    long[] offsets = new long[records.count()];
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>(records.count());
    records.forEach(all::add);
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = i;
    }
    Segment segment = batch.add(offsets);
    List<List<Pending>> lanesBatches = lanes.newBatches(all.size());
    for (int i = 0; i < all.size(); i++) {
      lanesBatches.get(lanes.laneOfUnordered(all.get(i))).add(new Pending(all.get(i), segment, i));
    }
    metrics.inFlight.add(all.size());
    lanes.submit(lanesBatches);
    long deadline = Long.MAX_VALUE;
    while (!aborted && fatal.get() == null) {
      long now = System.nanoTime();
      if (stopRequested && deadline == Long.MAX_VALUE) {
        deadline = now + config.shutdownGrace().toNanos();
      }
      if (metrics.inFlight.awaitZero(Math.min(deadline, now + 100_000_000L)) || now >= deadline) {
        break;
      }
    }
    batch.abandon();
    if (aborted) {
      return;
    }
    if (producer != null) {
      producer.flush();
    }
    checkFatal();
    for (int i = 0; i < all.size(); i++) {
      AcknowledgeType type = switch (segment.outcome(i)) {
        case Segment.SUCCEEDED -> AcknowledgeType.ACCEPT;
        case Segment.FAILED -> AcknowledgeType.REJECT;
        default -> AcknowledgeType.RELEASE;
      };
      consumer.acknowledge(all.get(i), type);
    }
    long t0 = System.nanoTime();
    consumer.commitAsync();
    metrics.recordCommit(System.nanoTime() - t0);
  }

  @Override
  protected void closeConsumerAbruptly() {
    try {
      consumer.close(Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "Share consumer close failed", e);
    }
  }
}
