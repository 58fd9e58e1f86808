package dev.ebb.function.internal;

import dev.ebb.function.EbbFunction;
import dev.ebb.function.GroupProtocol;
import dev.ebb.function.ProcessingGuarantee;
import dev.ebb.function.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * A consumer-group worker. The poll thread owns the consumer: it fetches, dispatches records to the processing
 * lanes, and commits the offsets the trackers report as contiguously finished (at-least-once), or runs each poll as
 * one transaction (exactly-once).
 *
 * <p>Size: the consumer is not thread-safe, so everything that must call it — the poll loop, rebalance callbacks,
 * pausing for back-pressure, commits, the exactly-once transaction around a poll and replacing a fenced consumer —
 * lives with it on one thread. The decisions that need no consumer are already outside ({@link PartitionTracker},
 * {@link InFlightLimit}, {@link Transactions}, {@link GroupRejoin}, {@link Backoff}).
 */
public final class ConsumerGroupWorker extends WorkerRuntime {
  private KafkaConsumer<byte[], byte[]> consumer;
  private final GroupRejoin rejoin = new GroupRejoin();
  private final GroupProtocol protocol;
  private final boolean exactlyOnce;
  private final Map<TopicPartition, PartitionTracker> trackers = new HashMap<>();
  private boolean paused;
  private final InFlightLimit limit;
  private long lastCommitNanos = System.nanoTime();
  private boolean logCommitFailure = true;
  private boolean logPollFailure = true;
  // Exactly-once: the open transaction, the next offset of each of its partitions (finished chunks only), the first
  // offset of each (to rewind on abort), and the offsets the chunk in flight ends at.
  private static final int COMMIT_ATTEMPTS = 10;
  private final long txBudgetNanos;
  private boolean txOpen;
  private long txStartNanos;
  private long txEpoch;
  private final Map<TopicPartition, OffsetAndMetadata> txOffsets = new HashMap<>();
  private final Map<TopicPartition, Long> txFirst = new HashMap<>();
  private final Map<TopicPartition, Long> chunkNext = new HashMap<>();
  private Map<TopicPartition, Long> lastAbortFirst = Map.of();

  public ConsumerGroupWorker(EbbFunction<?, ?> function, WorkerConfig config) {
    super(function, config);
    this.exactlyOnce = config.guarantee() == ProcessingGuarantee.EXACTLY_ONCE;
    this.limit = new InFlightLimit(config, metrics);
    this.txBudgetNanos = Duration.ofMillis(ClientConfigs.transactionTimeoutMs(config)).toNanos() / 2;
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
      if (!paused && !consumer.paused().isEmpty()) {
        resumeAll(); // a resume that raced with a rebalance left a partition paused
      }
      ConsumerRecords<byte[], byte[]> records;
      try {
        records = consumer.poll(paused ? Duration.ZERO : poll);
        logPollFailure = true;
      } catch (RetriableException | UnknownMemberIdException | FencedMemberEpochException
               | RebalanceInProgressException | IllegalGenerationException e) {
        transientPollFailure(e);
        continue;
      } catch (GroupIdNotFoundException e) {
        recreateConsumer(e);
        continue;
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
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new java.util.LinkedHashMap<>();
    records.partitions().forEach(tp -> byPartition.put(tp, records.records(tp)));
    dispatch(byPartition, records.count());
  }

  private void dispatch(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new java.util.LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      byPartition.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>()).add(r);
    }
    dispatch(byPartition, records.size());
  }

  private void dispatch(Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records, int count) {
    List<List<Pending>> batches = lanes.newBatches(count);
    for (Map.Entry<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> e : records.entrySet()) {
      TopicPartition tp = e.getKey();
      List<ConsumerRecord<byte[], byte[]>> list = e.getValue();
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
    metrics.inFlight.add(count);
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
        pauseAll();
        paused = true;
      }
    } else if (paused) {
      // Wait here rather than in poll(): paused partitions return nothing, so poll would idle its whole timeout.
      metrics.inFlight.awaitAtMost(resumeAt, System.nanoTime() + poll.toNanos());
      if (metrics.inFlight.get() <= resumeAt) {
        resumeAll();
        paused = false;
      }
    }
  }

  /**
   * Pauses every assigned partition. The consumer applies pause and resume on its background thread, where a partition
   * lost meanwhile (a broker restart, a session timeout) makes them throw; the next assignment is paused by the
   * rebalance listener anyway.
   */
  private void pauseAll() {
    try {
      consumer.pause(consumer.assignment());
    } catch (IllegalStateException e) {
      LOG.debug("Pause raced with a rebalance: {}", e.toString());
    }
  }

  /** Resumes the paused partitions that are still assigned (see {@link #pauseAll()}). */
  private void resumeAll() {
    try {
      consumer.resume(consumer.paused());
    } catch (IllegalStateException e) {
      java.util.Set<TopicPartition> still = new java.util.HashSet<>(consumer.paused());
      still.retainAll(consumer.assignment());
      try {
        consumer.resume(still);
      } catch (IllegalStateException again) {
        LOG.debug("Resume raced with a rebalance: {}", again.toString());
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
      metrics.commitsFailed.increment();
      // Report these offsets again with the next commit. (The callback's own map is null on some failures, e.g. when
      // the coordinator is unreachable: a broker restart crashed the worker with a NullPointerException here.)
      offsets.keySet().forEach(tp -> {
        PartitionTracker t = trackers.get(tp);
        if (t != null) {
          t.resetReported();
        }
      });
      if (logCommitFailure) {
        LOG.warn("Offset commit for group {} failed, retrying with the next commit: {}",
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
      metrics.commitsFailed.increment();
      LOG.warn("Offset commit of {} for group {} failed; those records will be delivered again: {}",
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
        LOG.warn("{}: {} record(s) unfinished after the shutdown grace of {}; they will be"
            + " delivered again", tp, t.pending(), config.shutdownGrace());
        t.abandon();
      }
    }
  }

  private void drainAndClose() {
    LOG.info("Worker {} draining: finishing {} in-flight record(s) within {}", config.workerId(),
        metrics.inFlight.get(), config.shutdownGrace());
    if (!exactlyOnce) {
      drainPartitions(new ArrayList<>(trackers.keySet()), System.nanoTime() + config.shutdownGrace().toNanos());
      commitSync(new ArrayList<>(trackers.keySet()));
    }
    // Exactly-once: input offsets are committed only inside the transaction that carries their outputs (runTransaction
    // committed or aborted every transaction before returning), never here.
    trackers.values().forEach(PartitionTracker::abandon);
    trackers.clear();
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
  }

  /**
   * Processes one poll's records in exactly-once mode. The records go to the lanes in chunks sized to finish in a
   * fraction of the transaction budget; a chunk's outputs and input offsets join the open transaction only once the
   * whole chunk has finished. The transaction commits at the end of the poll, or as soon as it has been open for half
   * of {@code transaction.timeout.ms} (so a slow function never runs into the coordinator's abort). While chunks run,
   * the poll thread keeps calling {@code poll} with every partition paused, so a function slower than
   * {@code max.poll.interval.ms} does not cost the group membership.
   */
  private void runTransaction(ConsumerRecords<byte[], byte[]> records) {
    List<ConsumerRecord<byte[], byte[]>> all = interleave(records);
    long epoch = txEpoch;
    pauseAll();
    paused = true;
    try {
      int next = 0;
      while (next < all.size()) {
        if (stopRequested || aborted || fatal.get() != null) {
          break;
        }
        int size = chunkSize();
        List<ConsumerRecord<byte[], byte[]>> chunk = new ArrayList<>(size);
        while (next < all.size() && chunk.size() < size) {
          ConsumerRecord<byte[], byte[]> r = all.get(next++);
          if (trackers.containsKey(new TopicPartition(r.topic(), r.partition()))) {
            chunk.add(r);
          }
        }
        if (chunk.isEmpty()) {
          continue;
        }
        if (!txOpen) {
          producer.beginTransaction();
          txOpen = true;
          txStartNanos = System.nanoTime();
        }
        chunkNext.clear();
        for (ConsumerRecord<byte[], byte[]> r : chunk) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          txFirst.putIfAbsent(tp, r.offset());
          chunkNext.put(tp, r.offset() + 1);
        }
        dispatch(chunk);
        if (!awaitChunk()) {
          // Unfinished: nothing of this transaction becomes visible; the records are processed again.
          checkFatal();
          abortTransaction("records unfinished after the shutdown grace of " + config.shutdownGrace());
          rewindRest(all, next);
          return;
        }
        if (txEpoch != epoch) {
          rewindRest(all, next); // aborted during a rebalance callback: the rest of this poll is fetched again
          return;
        }
        if (!txOpen) {
          continue; // committed by a revocation callback, which took this chunk in
        }
        chunkNext.forEach((tp, o) -> txOffsets.put(tp, new OffsetAndMetadata(o)));
        chunkNext.clear();
        if (System.nanoTime() - txStartNanos >= txBudgetNanos && !commitTransaction()) {
          rewindRest(all, next);
          return;
        }
      }
      checkFatal();
      if (txOpen && !aborted) {
        commitTransaction();
      }
    } finally {
      if (!aborted && fatal.get() == null) {
        resumeAll();
        paused = false;
      }
    }
  }

  /**
   * After an abort: the poll's records not dispatched yet must be fetched again too (the consumer's position is past
   * them). Seeks each assigned partition to the earlier of its aborted transaction's first record and its first
   * undispatched record.
   */
  private void rewindRest(List<ConsumerRecord<byte[], byte[]>> all, int next) {
    if (aborted) {
      return;
    }
    Map<TopicPartition, Long> to = new HashMap<>();
    for (int i = next; i < all.size(); i++) {
      ConsumerRecord<byte[], byte[]> r = all.get(i);
      to.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
    }
    Collection<TopicPartition> assigned = consumer.assignment();
    to.forEach((tp, offset) -> {
      if (assigned.contains(tp)) {
        consumer.seek(tp, Math.min(offset, lastAbortFirst.getOrDefault(tp, Long.MAX_VALUE)));
      }
    });
  }

  /** The poll's records, partitions interleaved (each partition's records stay in offset order). */
  private static List<ConsumerRecord<byte[], byte[]>> interleave(ConsumerRecords<byte[], byte[]> records) {
    List<List<ConsumerRecord<byte[], byte[]>>> lists = new ArrayList<>();
    records.partitions().forEach(tp -> lists.add(records.records(tp)));
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(records.count());
    for (int i = 0; out.size() < records.count(); i++) {
      for (List<ConsumerRecord<byte[], byte[]>> l : lists) {
        if (i < l.size()) {
          out.add(l.get(i));
        }
      }
    }
    return out;
  }

  /** Records per chunk: what the lanes finish in a quarter of the transaction budget at the measured speed. */
  private int chunkSize() {
    long done = metrics.processed.sum() + metrics.failed.sum();
    if (done < 10) {
      return config.concurrency() * 8;
    }
    double perRecord = Math.max(1.0, (double) metrics.busyNanos.sum() / done);
    double fits = config.concurrency() * (txBudgetNanos / 4.0) / perRecord;
    return (int) Math.max(1, Math.min(100_000, fits));
  }

  /**
   * Waits for the dispatched chunk, polling (all partitions paused) to stay in the group; false if it did not finish
   * (stop grace over, abort, fatal error).
   */
  private boolean awaitChunk() {
    long deadline = Long.MAX_VALUE;
    try {
      while (!aborted && fatal.get() == null) {
        long now = System.nanoTime();
        if (stopRequested && deadline == Long.MAX_VALUE) {
          deadline = now + config.shutdownGrace().toNanos();
        }
        if (metrics.inFlight.awaitZero(Math.min(deadline, now + 100_000_000L))) {
          return true;
        }
        if (System.nanoTime() >= deadline) {
          return false;
        }
        keepAlive();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /**
   * A group error that clears up by itself once the member rejoins (after a broker restart the coordinator may not
   * know the member any more): the worker keeps its trackers and polls again; partitions it lost meanwhile are given
   * up through the rebalance listener. Logged once per streak.
   */
  private void transientPollFailure(KafkaException e) throws InterruptedException {
    if (logPollFailure) {
      LOG.warn("Poll of group {} failed, retrying: {}", config.groupId(), e.toString());
      logPollFailure = false;
    }
    Thread.sleep(100);
  }

  /**
   * The coordinator said the group is not a consumer group (see {@link GroupRejoin}): the consumer is in a FATAL state
   * and never rejoins. Its partitions are treated as lost (an open transaction is aborted, nothing is committed; their
   * in-flight records are delivered again to whoever owns them next), the consumer is closed without leaving the group,
   * and after a backoff a fresh one with the same settings subscribes again. Logged once per episode; gives up with a
   * clear error if fresh consumers keep getting the answer without joining (a classic group with active members).
   */
  private void recreateConsumer(GroupIdNotFoundException e) throws InterruptedException {
    Optional<Duration> delay = rejoin.onNotAConsumerGroup(java.util.concurrent.ThreadLocalRandom.current()::nextDouble);
    if (delay.isEmpty()) {
      throw new IllegalStateException("Group " + config.groupId() + " is not a consumer group for the broker after "
          + GroupRejoin.MAX_ATTEMPTS + " fresh consumers in a row (" + e.getMessage() + "): it is probably a classic"
          + " group with active members; set " + WorkerConfig.GROUP_PROTOCOL + "=classic or use another group", e);
    }
    if (rejoin.firstOfEpisode()) {
      LOG.warn("Worker {} dropped from group {} ({}); giving up its partitions uncommitted and rejoining"
          + " with a fresh consumer", config.workerId(), config.groupId(), e.getMessage());
    } else {
      LOG.debug("Group {} still not a consumer group, attempt {}", config.groupId(), rejoin.attempts());
    }
    if (exactlyOnce && txOpen) {
      abortTransaction("worker " + config.workerId() + " was dropped from the group");
    }
    trackers.values().forEach(PartitionTracker::abandon);
    trackers.clear();
    metrics.assignedPartitions.set(0);
    closeConsumerAbruptly();
    long until = System.nanoTime() + delay.get().toNanos();
    while (!stopRequested && !aborted && System.nanoTime() < until) {
      Thread.sleep(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000)));
    }
    consumer = new KafkaConsumer<>(ClientConfigs.consumer(config, protocol));
    consumer.subscribe(config.topics(), new Listener());
  }

  /** A poll that returns no records (everything is paused) but keeps the membership and runs rebalance callbacks. */
  private void keepAlive() throws InterruptedException {
    pauseAll();
    ConsumerRecords<byte[], byte[]> stray;
    try {
      stray = consumer.poll(Duration.ZERO);
    } catch (RetriableException | UnknownMemberIdException | FencedMemberEpochException
             | RebalanceInProgressException | IllegalGenerationException e) {
      transientPollFailure(e);
      return;
    } catch (GroupIdNotFoundException e) {
      recreateConsumer(e);
      return;
    }
    for (TopicPartition tp : stray.partitions()) {
      consumer.seek(tp, stray.records(tp).get(0).offset());
    }
  }

  /**
   * Commits the open transaction with the input offsets of its finished chunks. A commit that times out is retried
   * (the client allows it; aborting after a timed-out commit throws). Any other failure aborts the transaction and
   * rewinds the partitions to its first records; fencing and authorization errors stop the worker.
   */
  private boolean commitTransaction() {
    long t0 = System.nanoTime();
    try {
      if (!txOffsets.isEmpty()) {
        producer.sendOffsetsToTransaction(new HashMap<>(txOffsets), consumer.groupMetadata());
      }
      Transactions.commit(producer, COMMIT_ATTEMPTS, () -> aborted);
      metrics.recordCommit(System.nanoTime() - t0);
      txOpen = false;
      txOffsets.clear();
      txFirst.clear();
      trackers.values().forEach(PartitionTracker::doneUpTo);
      return true;
    } catch (ProducerFencedException | OutOfOrderSequenceException | InvalidProducerEpochException
             | AuthorizationException | org.apache.kafka.common.errors.TimeoutException e) {
      throw e;
    } catch (KafkaException e) {
      metrics.commitsFailed.increment();
      abortTransaction("its commit failed: " + e);
      return false;
    }
  }

  /** Aborts the open transaction: its outputs are discarded and its records fetched and processed again. */
  private void abortTransaction(String why) {
    if (!txOpen) {
      return;
    }
    LOG.warn("Transaction of group {} aborted, its records will be processed again: {}",
        config.groupId(), why);
    // In-flight records of the aborted transaction are skipped (and send nothing once the lock is held); fresh
    // trackers serve the records fetched again.
    java.util.concurrent.locks.Lock lock = processor.abortLock();
    lock.lock();
    try {
      trackers.replaceAll((tp, t) -> {
        t.abandon();
        return new PartitionTracker();
      });
      if (!aborted) {
        producer.abortTransaction();
      }
    } finally {
      lock.unlock();
    }
    txOpen = false;
    txEpoch++;
    txOffsets.clear();
    chunkNext.clear();
    if (!aborted) {
      Collection<TopicPartition> assigned = consumer.assignment();
      txFirst.forEach((tp, first) -> {
        if (assigned.contains(tp)) {
          consumer.seek(tp, first);
        }
      });
    }
    lastAbortFirst = new HashMap<>(txFirst);
    txFirst.clear();
  }

  @Override
  protected void closeConsumerAbruptly() {
    trackers.values().forEach(PartitionTracker::abandon);
    try {
      // Like a crash: no commit and no leave-group; the group notices through the session timeout.
      consumer.close(CloseOptions.timeout(Duration.ZERO)
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
    } catch (RuntimeException e) {
      LOG.debug("Consumer close failed", e);
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
      if (exactlyOnce && txOpen && !aborted && fatal.get() == null) {
        // The open transaction may hold outputs of these partitions: finish its chunk and commit it now, while the
        // offsets can still be committed for this generation.
        drainPartitions(trackers.keySet(), System.nanoTime() + config.shutdownGrace().toNanos());
        if (metrics.inFlight.get() == 0) {
          chunkNext.forEach((tp, o) -> txOffsets.put(tp, new OffsetAndMetadata(o)));
          chunkNext.clear();
          commitTransaction();
        } else {
          abortTransaction("partitions " + partitions + " were revoked with records unfinished");
        }
      }
      remove(partitions);
      LOG.info("Worker {} gave up {} partition(s) {} after finishing their in-flight records",
          config.workerId(), partitions.size(), partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (exactlyOnce && txOpen && !aborted) {
        abortTransaction("partitions " + partitions + " were lost");
      }
      remove(partitions);
      LOG.warn("Worker {} lost {} partition(s) {}; their uncommitted records go to the new owner",
          config.workerId(), partitions.size(), partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      rejoin.onJoined();
      for (TopicPartition tp : partitions) {
        trackers.computeIfAbsent(tp, k -> new PartitionTracker());
      }
      if (paused && !partitions.isEmpty()) {
        consumer.pause(partitions);
      }
      metrics.assignedPartitions.set(trackers.size());
      if (!partitions.isEmpty()) {
        LOG.info("Worker {} assigned {} partition(s) {}", config.workerId(), partitions.size(),
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
