package dev.ebb.function.internal;

import dev.ebb.function.WorkerStats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The worker's counters. Hot-path updates are {@link LongAdder}s; Prometheus reads them through callbacks, so each
 * worker has its own registry and several workers can share a JVM.
 */
public final class WorkerMetrics {
  private static final double[] LATENCY_BUCKETS = {
      0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  public final LongAdder processed = new LongAdder();
  public final LongAdder failed = new LongAdder();
  public final LongAdder retried = new LongAdder();
  public final LongAdder deadLettered = new LongAdder();
  public final LongAdder abandoned = new LongAdder();
  public final LongAdder acknowledgementsFailed = new LongAdder();
  public final LongAdder commitsFailed = new LongAdder();
  public final LongAdder deadLettersTruncated = new LongAdder();
  public final LongAdder busyNanos = new LongAdder();
  public final InFlight inFlight = new InFlight();
  public final AtomicInteger assignedPartitions = new AtomicInteger();
  private final Histogram processing;
  private final Histogram commit;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final int threads;
  private final long startNanos = System.nanoTime();
  private long sampleNanos = startNanos;
  private long sampleBusy;
  private double busyRatio;

  public WorkerMetrics(int threads) {
    this.threads = threads;
    counter("ebb_records_processed", "Records processed successfully", processed);
    counter("ebb_records_failed", "Records that failed every attempt (dead-lettered or skipped)", failed);
    counter("ebb_records_retried", "Retry attempts", retried);
    counter("ebb_records_dead_lettered", "Records sent to the dead-letter topic", deadLettered);
    counter("ebb_records_abandoned", "Records given up unfinished (partition revoked or lost, or shutdown grace"
        + " exceeded); the next owner processes them", abandoned);
    counter("ebb_acknowledgements_failed", "Share-group acknowledgements the broker did not accept; those records"
        + " are delivered again", acknowledgementsFailed);
    counter("ebb_commits_failed", "Offset or transaction commits that failed (retried with the next commit, or the"
        + " records are delivered again)", commitsFailed);
    counter("ebb_dead_letters_truncated", "Dead letters sent without (part of) their value because the record was"
        + " too large for the producer's max.request.size", deadLettersTruncated);
    CounterWithCallback.builder().name("ebb_busy_seconds").help("Time spent inside the function, all threads")
        .unit(Unit.SECONDS).callback(cb -> cb.call(busyNanos.sum() / 1e9)).register(registry);
    GaugeWithCallback.builder().name("ebb_records_in_flight").help("Records fetched and not yet finished")
        .callback(cb -> cb.call(inFlight.get())).register(registry);
    GaugeWithCallback.builder().name("ebb_assigned_partitions").help("Partitions assigned to this worker")
        .callback(cb -> cb.call(assignedPartitions.get())).register(registry);
    GaugeWithCallback.builder().name("ebb_busy_ratio")
        .help("Fraction of thread time spent processing since the previous scrape (at least 1 s window); "
            + "capacity = records/s / busy ratio")
        .callback(cb -> cb.call(busyRatio())).register(registry);
    GaugeWithCallback.builder().name("ebb_worker_threads").help("Processing threads (EBB_CONCURRENCY)")
        .callback(cb -> cb.call(threads)).register(registry);
    processing = Histogram.builder().name("ebb_processing_seconds").help("Time of one function call")
        .unit(Unit.SECONDS).classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
    commit = Histogram.builder().name("ebb_commit_seconds").help("Time of one offset commit or transaction commit")
        .unit(Unit.SECONDS).classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
  }

  private void counter(String name, String help, LongAdder adder) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(adder.sum())).register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void recordProcessing(long nanos) {
    busyNanos.add(nanos);
    processing.observe(nanos / 1e9);
  }

  public void recordCommit(long nanos) {
    commit.observe(nanos / 1e9);
  }

  /** Busy time over thread time since the previous sample, re-sampled at most once a second. */
  public synchronized double busyRatio() {
    long now = System.nanoTime();
    if (now - sampleNanos >= 1_000_000_000L) {
      long busy = busyNanos.sum();
      busyRatio = Math.min(1.0, (busy - sampleBusy) / ((double) (now - sampleNanos) * threads));
      sampleBusy = busy;
      sampleNanos = now;
    }
    return busyRatio;
  }

  public WorkerStats stats() {
    return new WorkerStats(processed.sum(), failed.sum(), retried.sum(), deadLettered.sum(), abandoned.sum(), inFlight.get(),
        assignedPartitions.get(), Duration.ofNanos(busyNanos.sum()));
  }

  /** Count of in-flight records; one thread at a time can wait for it to fall to a threshold. */
  public static final class InFlight {
    private final AtomicInteger count = new AtomicInteger();
    private volatile int wakeAt = 0;

    public void add(int n) {
      count.addAndGet(n);
    }

    public void done() {
      int n = count.decrementAndGet();
      if (n == 0 || n == wakeAt) {
        synchronized (this) {
          notifyAll();
        }
      }
    }

    public int get() {
      return count.get();
    }

    /** Waits until the count is zero or the deadline (System.nanoTime) passes; true if zero. */
    public boolean awaitZero(long deadlineNanos) throws InterruptedException {
      return awaitAtMost(0, deadlineNanos);
    }

    /** Waits until the count is at most {@code threshold} or the deadline passes; true if it is. */
    public boolean awaitAtMost(int threshold, long deadlineNanos) throws InterruptedException {
      wakeAt = threshold;
      try {
        synchronized (this) {
          while (count.get() > threshold) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
              return false;
            }
            // Bounded wait: the count can step over the wake-up mark when it moves by more than one.
            wait(Math.max(1, Math.min(5, left / 1_000_000)));
          }
          return true;
        }
      } finally {
        wakeAt = 0;
      }
    }
  }
}
