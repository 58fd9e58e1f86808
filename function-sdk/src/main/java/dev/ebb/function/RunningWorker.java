package dev.ebb.function;

import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;

/**
 * A worker started in this JVM by {@link FunctionWorker#start}. Thread-safe.
 */
public interface RunningWorker extends AutoCloseable {
  /** The client id of this worker. */
  String workerId();

  /**
   * Graceful drain, as on SIGTERM: stop fetching, finish in-flight records within the shutdown grace, commit, leave
   * the group. Blocks until the worker has stopped. Idempotent.
   */
  @Override
  void close();

  /**
   * Stops at once without finishing or committing anything, as if the process had died: records since the last
   * commit are delivered again to the group. For tests and demos of failure handling.
   */
  void abort();

  /** Completes when the worker has stopped; exceptionally if it stopped because of a fatal error. */
  CompletionStage<Void> termination();

  /** True while the worker is in its group and fetching (not starting, draining or stopped). */
  boolean isReady();

  /** The port of {@code /healthz}, {@code /readyz} and {@code /metrics}, if they are on. */
  OptionalInt httpPort();

  WorkerStats stats();
}
