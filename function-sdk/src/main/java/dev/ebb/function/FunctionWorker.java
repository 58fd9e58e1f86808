package dev.ebb.function;

import dev.ebb.function.internal.ConsumerGroupWorker;
import dev.ebb.function.internal.ShareGroupWorker;
import java.util.concurrent.CompletionException;

/**
 * Runs an {@link EbbFunction} as a Kafka consumer.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   FunctionWorker.run(EbbFunction.of(Codecs.string(), Codecs.string(), r -> r.value().toUpperCase()));
 * }
 * }</pre>
 */
public final class FunctionWorker {
  private FunctionWorker() {}

  /**
   * The usual {@code main}: reads the settings from the environment (see {@link WorkerConfig}), runs until SIGTERM,
   * then drains gracefully. Exits the JVM with status 2 on invalid settings and 1 on a fatal error.
   */
  public static void run(EbbFunction<?, ?> function) {
    WorkerConfig config;
    try {
      config = WorkerConfig.fromEnv();
    } catch (ConfigException e) {
      System.err.println("Invalid configuration:");
      e.problems().forEach(p -> System.err.println("  " + p));
      System.exit(2);
      return;
    }
    try {
      run(function, config);
    } catch (RuntimeException e) {
      System.err.println("Worker failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Runs the worker on the calling thread's behalf until the JVM receives SIGTERM (a shutdown hook drains it: finish
   * in-flight records within the grace period, commit, leave the group), then returns.
   *
   * @throws IllegalStateException if the worker stopped on a fatal error
   */
  public static void run(EbbFunction<?, ?> function, WorkerConfig config) {
    RunningWorker worker = start(function, config);
    Thread hook = new Thread(worker::close, "ebb-shutdown-" + config.workerId());
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      worker.termination().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it is what stopped the worker.
      }
    }
  }

  /**
   * Starts a worker in this JVM and returns at once; {@link RunningWorker#close()} drains it as SIGTERM would.
   * Several workers may run in one JVM (give each its own HTTP port, or none).
   *
   * @throws ConfigException             if the Kafka client settings are invalid
   * @throws java.io.UncheckedIOException if the HTTP port cannot be bound
   */
  public static RunningWorker start(EbbFunction<?, ?> function, WorkerConfig config) {
    try {
      return config.isShareGroup()
          ? new ShareGroupWorker(function, config).start()
          : new ConsumerGroupWorker(function, config).start();
    } catch (org.apache.kafka.common.config.ConfigException e) {
      throw new ConfigException(java.util.List.of("Invalid Kafka client setting (" + WorkerConfig.KAFKA_PREFIX
          + "*): " + e.getMessage()));
    }
  }
}
