package dev.ebb.function.internal;

import dev.ebb.function.EbbFunction;
import dev.ebb.function.GroupProtocol;
import dev.ebb.function.ProcessingGuarantee;
import dev.ebb.function.WorkerConfig;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * A consumer-group worker. The poll thread owns the consumer: it fetches, dispatches records to the processing
 * lanes, and commits the offsets the trackers report as contiguously finished (at-least-once), or runs each poll as
 * one transaction (exactly-once).
 */
public final class ConsumerGroupWorker extends WorkerRuntime {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final GroupProtocol protocol;
  private final boolean exactlyOnce;
  private final Map<TopicPartition, PartitionTracker> trackers = new HashMap<>();
  private boolean paused;
  private final InFlightLimit limit;
  private long lastCommitNanos = System.nanoTime();
  private boolean logCommitFailure = true;

  public ConsumerGroupWorker(EbbFunction<?, ?> function, WorkerConfig config) {
    super(function, config);
    this.exactlyOnce = config.guarantee() == ProcessingGuarantee.EXACTLY_ONCE;
    this.limit = new InFlightLimit(config, metrics);
    try {
      this.protocol = ClientConfigs.resolve(config);
      this.consumer = new KafkaConsumer<>(ClientConfigs.consumer(config, protocol));
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  public GroupProtocol protocol() {
    return protocol;
  }

  @Override
  protected void runLoop() throws Exception {
    if (exactlyOnce) {
      producer.initTransactions();
    }
    consumer.subscribe(config.topics(), new Listener());
    Duration poll = ClientConfigs.pollTimeout();
    while (!stopRequested) {
      backpressure(poll);
      ConsumerRecords<byte[], byte[]> records;
      try {
        records = consumer.poll(paused ? Duration.ZERO : poll);
      } catch (UnsupportedVersionException e) {
        throw new IllegalStateException("The cluster at " + config.bootstrapServers() + " does not support group"
            + " protocol " + protocol.name().toLowerCase() + "; set " + WorkerConfig.GROUP_PROTOCOL + "=classic", e);
      }
      ready = true;
      checkFatal();
      if (exactlyOnce) {
        if (!records.isEmpty()) {
          runTransaction(records);
        }
        continue;
      }
      if (!records.isEmpty()) {
        dispatch(records);
      }
      if (System.nanoTime() - lastCommitNanos >= config.commitInterval().toNanos()) {
        commitAsync();
      }
    }
    ready = false;
    if (aborted) {
      closeConsumerAbruptly();
      return;
    }
    drainAndClose();
  }

  private void dispatch(ConsumerRecords<byte[], byte[]> records) {
    List<List<Pending>> batches = lanes.newBatches(records.count());
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      PartitionTracker tracker = trackers.computeIfAbsent(tp, k -> new PartitionTracker());
      long[] offsets = new long[list.size()];
      for (int i = 0; i < offsets.length; i++) {
        offsets[i] = list.get(i).offset();
      }
      Segment segment = tracker.add(offsets);
      for (int i = 0; i < offsets.length; i++) {
        ConsumerRecord<byte[], byte[]> r = list.get(i);
        batches.get(lanes.laneOf(r)).add(new Pending(r, segment, i));
      }
    }
    metrics.inFlight.add(records.count());
    lanes.submit(batches);
  }

  /**
   * Bounds the records fetched but not finished. A short wait for the lanes comes first: for fast functions it is
   * all that is needed, and it avoids pause/resume cycles that cost refetches. Only if the lanes stay busy are the
   * partitions paused, so that poll() keeps running rebalance callbacks without returning more records.
   */
  private void backpressure(Duration poll) throws InterruptedException {
    int max = limit.current();
    int resumeAt = max / 2;
    if (!paused && metrics.inFlight.get() >= max) {
      if (!metrics.inFlight.awaitAtMost(resumeAt, System.nanoTime() + 50_000_000L)) {
        consumer.pause(consumer.assignment());
        paused = true;
      }
    } else if (paused) {
      // Wait here rather than in poll(): paused partitions return nothing, so poll would idle its whole timeout.
      metrics.inFlight.awaitAtMost(resumeAt, System.nanoTime() + poll.toNanos());
      if (metrics.inFlight.get() <= resumeAt) {
        consumer.resume(consumer.paused());
        paused = false;
      }
    }
  }

  /** Flushes outputs and dead letters first: an offset is committed only after its results are acknowledged. */
  private void commitAsync() {
    lastCommitNanos = System.nanoTime();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    trackers.forEach((tp, t) -> t.committable().ifPresent(o -> offsets.put(tp, new OffsetAndMetadata(o))));
    if (offsets.isEmpty()) {
      return;
    }
    if (producer != null) {
      producer.flush();
    }
    checkFatal();
    long t0 = System.nanoTime();
    consumer.commitAsync(offsets, (committed, e) -> {
      if (e == null) {
        metrics.recordCommit(System.nanoTime() - t0);
        logCommitFailure = true;
        return;
      }
      // Report these offsets again with the next commit.
      committed.keySet().forEach(tp -> {
        PartitionTracker t = trackers.get(tp);
        if (t != null) {
          t.resetReported();
        }
      });
      if (logCommitFailure) {
        LOG.log(Level.WARNING, "Offset commit for group {0} failed, retrying with the next commit: {1}",
            config.groupId(), e.toString());
        logCommitFailure = false;
      }
    });
  }

  /** Commits every finished offset of the given partitions; false if the commit failed. */
  private boolean commitSync(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionTracker t = trackers.get(tp);
      if (t != null && t.doneUpTo() >= 0) {
        offsets.put(tp, new OffsetAndMetadata(t.doneUpTo()));
      }
    }
    if (offsets.isEmpty()) {
      return true;
    }
    try {
      if (producer != null) {
        producer.flush();
      }
      checkFatal();
      long t0 = System.nanoTime();
      consumer.commitSync(offsets);
      metrics.recordCommit(System.nanoTime() - t0);
      return true;
    } catch (KafkaException | IllegalStateException e) {
      LOG.log(Level.WARNING, "Offset commit of {0} for group {1} failed; those records will be delivered again: {2}",
          offsets, config.groupId(), e.toString());
      return false;
    }
  }

  /** Waits until the partitions' in-flight records are finished or the deadline passes; gives up the rest. */
  private void drainPartitions(Collection<TopicPartition> partitions, long deadlineNanos) {
    List<PartitionTracker> busy = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      PartitionTracker t = trackers.get(tp);
      if (t != null) {
        busy.add(t);
      }
    }
    while (!aborted && busy.stream().anyMatch(t -> !t.idle()) && System.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (TopicPartition tp : partitions) {
      PartitionTracker t = trackers.get(tp);
      if (t != null && !t.idle()) {
        LOG.log(Level.WARNING, "{0}: {1} record(s) unfinished after the shutdown grace of {2}; they will be"
            + " delivered again", tp, t.pending(), config.shutdownGrace());
        t.abandon();
      }
    }
  }

  private void drainAndClose() {
    LOG.log(Level.INFO, "Worker {0} draining: finishing {1} in-flight record(s) within {2}", config.workerId(),
        metrics.inFlight.get(), config.shutdownGrace());
    drainPartitions(new ArrayList<>(trackers.keySet()), System.nanoTime() + config.shutdownGrace().toNanos());
    commitSync(new ArrayList<>(trackers.keySet()));
    trackers.values().forEach(PartitionTracker::abandon);
    trackers.clear();
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
  }

  private void runTransaction(ConsumerRecords<byte[], byte[]> records) {
    producer.beginTransaction();
    dispatch(records);
    long deadline = Long.MAX_VALUE;
    try {
      while (!aborted && fatal.get() == null) {
        long now = System.nanoTime();
        if (stopRequested && deadline == Long.MAX_VALUE) {
          deadline = now + config.shutdownGrace().toNanos();
        }
        if (metrics.inFlight.awaitZero(Math.min(deadline, now + 100_000_000L)) || now >= deadline) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (aborted || fatal.get() != null || metrics.inFlight.get() > 0) {
      // Unfinished: nothing of this poll becomes visible; the next owner processes it again.
      trackers.values().forEach(PartitionTracker::abandon);
      checkFatal();
      if (!aborted) {
        producer.abortTransaction();
      }
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    long t0 = System.nanoTime();
    try {
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
      metrics.recordCommit(System.nanoTime() - t0);
      trackers.values().forEach(PartitionTracker::doneUpTo);
    } catch (ProducerFencedException | OutOfOrderSequenceException | InvalidProducerEpochException
             | AuthorizationException e) {
      throw e;
    } catch (KafkaException e) {
      LOG.log(Level.WARNING, "Transaction of group {0} aborted, processing those records again: {1}",
          config.groupId(), e.toString());
      producer.abortTransaction();
      for (TopicPartition tp : records.partitions()) {
        if (consumer.assignment().contains(tp)) {
          consumer.seek(tp, records.records(tp).get(0).offset());
        }
      }
    }
  }

  @Override
  protected void closeConsumerAbruptly() {
    trackers.values().forEach(PartitionTracker::abandon);
    try {
      // Like a crash: no commit and no leave-group; the group notices through the session timeout.
      consumer.close(CloseOptions.timeout(Duration.ZERO)
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "Consumer close failed", e);
    }
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      if (!aborted && !exactlyOnce && fatal.get() == null) {
        drainPartitions(partitions, System.nanoTime() + config.shutdownGrace().toNanos());
        commitSync(partitions);
      }
      remove(partitions);
      LOG.log(Level.INFO, "Worker {0} gave up {1} partition(s) {2} after finishing their in-flight records",
          config.workerId(), partitions.size(), partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      remove(partitions);
      LOG.log(Level.WARNING, "Worker {0} lost {1} partition(s) {2}; their uncommitted records go to the new owner",
          config.workerId(), partitions.size(), partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        trackers.computeIfAbsent(tp, k -> new PartitionTracker());
      }
      if (paused && !partitions.isEmpty()) {
        consumer.pause(partitions);
      }
      metrics.assignedPartitions.set(trackers.size());
      if (!partitions.isEmpty()) {
        LOG.log(Level.INFO, "Worker {0} assigned {1} partition(s) {2}", config.workerId(), partitions.size(),
            partitions);
      }
    }

    private void remove(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        PartitionTracker t = trackers.remove(tp);
        if (t != null) {
          t.abandon();
        }
      }
      metrics.assignedPartitions.set(trackers.size());
    }
  }
}
