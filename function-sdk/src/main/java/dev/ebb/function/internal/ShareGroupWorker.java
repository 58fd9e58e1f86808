package dev.ebb.function.internal;

import dev.ebb.function.EbbFunction;
import dev.ebb.function.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;

/**
 * A share-group worker (KIP-932, queue semantics, explicit acknowledgement). Each record is acknowledged as soon as
 * it is finished and its output or dead letter flushed (within about 100 ms), not when the whole poll is done:
 * ACCEPT when processed, REJECT when it failed every attempt (after the dead-letter send), RELEASE when the worker
 * stopped before finishing it (so another member gets it at once). Failed acknowledgements are counted
 * ({@code ebb_acknowledgements_failed_total}) and logged once per streak.
 */
public final class ShareGroupWorker extends WorkerRuntime {
  private final KafkaShareConsumer<byte[], byte[]> consumer;
  private boolean logAckFailure = true;

  public ShareGroupWorker(EbbFunction<?, ?> function, WorkerConfig config) {
    super(function, config);
    try {
      this.consumer = new KafkaShareConsumer<>(ClientConfigs.shareConsumer(config));
      this.consumer.setAcknowledgementCommitCallback(this::onAcknowledgementCommit);
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
      LOG.warn("Final acknowledgement commit failed; those records will be delivered again: {}",
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
    boolean[] acknowledged = new boolean[all.size()];
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
      if (metrics.inFlight.awaitZero(Math.min(deadline, now + 100_000_000L)) || System.nanoTime() >= deadline) {
        break;
      }
      // Acknowledge what finished so far: a record's acquisition lock runs from the poll, not from when its turn came.
      acknowledgeFinished(all, segment, acknowledged, false);
    }
    batch.abandon();
    if (aborted) {
      return;
    }
    acknowledgeFinished(all, segment, acknowledged, true);
  }

  /**
   * Acknowledges the finished records not acknowledged yet (all remaining ones with {@code last}: unfinished ones are
   * RELEASEd for another member), after flushing their outputs and dead letters, and commits the acknowledgements
   * asynchronously; failures come back to {@link #onAcknowledgementCommit}.
   */
  private void acknowledgeFinished(List<ConsumerRecord<byte[], byte[]>> all, Segment segment,
                                   boolean[] acknowledged, boolean last) {
    List<Integer> ready = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (!acknowledged[i] && (last || segment.outcome(i) != Segment.PENDING)) {
        ready.add(i);
      }
    }
    if (ready.isEmpty()) {
      return;
    }
    if (producer != null) {
      producer.flush();
    }
    checkFatal();
    for (int i : ready) {
      AcknowledgeType type = switch (segment.outcome(i)) {
        case Segment.SUCCEEDED -> AcknowledgeType.ACCEPT;
        case Segment.FAILED -> AcknowledgeType.REJECT;
        default -> AcknowledgeType.RELEASE;
      };
      consumer.acknowledge(all.get(i), type);
      acknowledged[i] = true;
    }
    long t0 = System.nanoTime();
    consumer.commitAsync();
    metrics.recordCommit(System.nanoTime() - t0);
  }

  /** Called on the poll thread (inside poll, commitAsync or commitSync) with the outcome of acknowledgements. */
  private void onAcknowledgementCommit(Map<TopicIdPartition, Set<Long>> offsets, Exception e) {
    if (e == null) {
      logAckFailure = true;
      return;
    }
    int n = offsets.values().stream().mapToInt(Set::size).sum();
    metrics.acknowledgementsFailed.add(n);
    if (logAckFailure) {
      // Once per failure streak: the records are delivered again (to this member or another) once their locks expire.
      LOG.warn("Acknowledgement of {} record(s) of share group {} failed; they will be delivered"
          + " again: {}", n, config.groupId(), e.toString());
      logAckFailure = false;
    }
  }

  @Override
  protected void closeConsumerAbruptly() {
    try {
      consumer.close(Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.debug("Share consumer close failed", e);
    }
  }
}
