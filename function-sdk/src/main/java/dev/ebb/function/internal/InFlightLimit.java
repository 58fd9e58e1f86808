package dev.ebb.function.internal;

import dev.ebb.function.WorkerConfig;

/**
 * How many records may be fetched and unfinished. Bounded by {@code EBB_MAX_IN_FLIGHT}, and by what the processing
 * threads finish in {@link #DRAIN_TARGET_NANOS} at the measured speed: a fast function gets deep buffers (the poll
 * thread never waits), a slow one a shallow queue, so a SIGTERM or revocation drain stays short.
 */
final class InFlightLimit {
  static final long DRAIN_TARGET_NANOS = 2_000_000_000L;
  private static final int FLOOR = 100;
  private static final long SAMPLE_NANOS = 200_000_000L;

  private final WorkerConfig config;
  private final WorkerMetrics metrics;
  private long sampleAt = System.nanoTime();
  private long sampleBusy;
  private long sampleDone;
  private int current;

  InFlightLimit(WorkerConfig config, WorkerMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    // Until the speed is known, assume little.
    this.current = Math.min(config.maxInFlight(), 1000);
  }

  /** Poll thread only. */
  int current() {
    long now = System.nanoTime();
    if (now - sampleAt >= SAMPLE_NANOS) {
      long busy = metrics.busyNanos.sum();
      long done = metrics.processed.sum() + metrics.failed.sum();
      if (done - sampleDone >= 50) {
        double perRecord = (double) (busy - sampleBusy) / (done - sampleDone);
        double fits = config.concurrency() * DRAIN_TARGET_NANOS / Math.max(1.0, perRecord);
        current = (int) Math.max(Math.min(config.maxInFlight(), FLOOR), Math.min(config.maxInFlight(), fits));
      }
      sampleAt = now;
      sampleBusy = busy;
      sampleDone = done;
    }
    return current;
  }
}
