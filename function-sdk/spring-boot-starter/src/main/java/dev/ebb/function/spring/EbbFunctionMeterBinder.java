package dev.ebb.function.spring;

import dev.ebb.function.WorkerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * The worker's counters as Micrometer meters, so they reach whatever registry the application exports to
 * ({@code /actuator/prometheus}, OTLP, ...). Names follow Micrometer's dotted convention and become the SDK's own
 * Prometheus names: {@code ebb.records.processed} is {@code ebb_records_processed_total}, {@code ebb.busy} (seconds)
 * is {@code ebb_busy_seconds_total}, {@code ebb.busy.ratio} is {@code ebb_busy_ratio}.
 *
 * <p>Bridged from {@link WorkerStats} (the SDK's public API): the counters, in-flight, assigned partitions, worker
 * threads and the busy ratio. The SDK's latency histograms ({@code ebb_processing_seconds},
 * {@code ebb_commit_seconds}) are not in that API; they are served by the SDK's own endpoint when
 * {@code ebb.function.http-port} is set.
 */
public final class EbbFunctionMeterBinder implements MeterBinder {
  private final EbbFunctionWorker worker;
  private final BusyRatio busyRatio;

  public EbbFunctionMeterBinder(EbbFunctionWorker worker) {
    this.worker = worker;
    this.busyRatio = new BusyRatio(worker.config().concurrency());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(registry, "ebb.records.processed", "Records processed successfully", WorkerStats::processed);
    counter(registry, "ebb.records.failed", "Records that failed every attempt (dead-lettered or skipped)",
        WorkerStats::failed);
    counter(registry, "ebb.records.retried", "Retry attempts", WorkerStats::retried);
    counter(registry, "ebb.records.dead.lettered", "Records sent to the dead-letter topic", WorkerStats::deadLettered);
    counter(registry, "ebb.records.abandoned", "Records given up unfinished (partition revoked or lost, or shutdown"
        + " grace exceeded); the next owner processes them", WorkerStats::abandoned);
    FunctionCounter.builder("ebb.busy", worker, w -> w.stats().busyTime().toNanos() / 1e9)
        .description("Time spent inside the function, all threads").baseUnit("seconds").register(registry);
    gauge(registry, "ebb.records.in.flight", "Records fetched and not yet finished", w -> w.stats().inFlight());
    gauge(registry, "ebb.assigned.partitions", "Partitions assigned to this worker",
        w -> w.stats().assignedPartitions());
    gauge(registry, "ebb.worker.threads", "Processing threads (ebb.function.concurrency)",
        w -> w.config().concurrency());
    gauge(registry, "ebb.busy.ratio", "Fraction of thread time spent processing since the previous sample (at least"
        + " 1 s window); capacity = records/s / busy ratio", w -> busyRatio.sample(w.stats()));
  }

  private void counter(MeterRegistry registry, String name, String help, ToDoubleFunction<WorkerStats> value) {
    FunctionCounter.builder(name, worker, w -> value.applyAsDouble(w.stats())).description(help).register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String help, ToDoubleFunction<EbbFunctionWorker> value) {
    Gauge.builder(name, worker, value).description(help).strongReference(true).register(registry);
  }

  /** Busy time over thread time between samples at least a second apart, as the SDK's own gauge computes it. */
  static final class BusyRatio {
    private final int threads;
    private long sampleNanos = System.nanoTime();
    private long sampleBusyNanos;
    private double ratio;

    BusyRatio(int threads) {
      this.threads = threads;
    }

    synchronized double sample(WorkerStats stats) {
      long now = System.nanoTime();
      long busy = stats.busyTime().toNanos();
      if (busy < sampleBusyNanos) {
        sampleBusyNanos = 0; // the worker was restarted: its counters began again
      }
      if (now - sampleNanos >= 1_000_000_000L) {
        ratio = Math.min(1.0, (busy - sampleBusyNanos) / ((double) (now - sampleNanos) * threads));
        sampleBusyNanos = busy;
        sampleNanos = now;
      }
      return ratio;
    }
  }
}
