package dev.ebb.function.it;

import dev.ebb.function.FunctionWorker;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.function.WorkerStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A worker process for the kill tests: settings from the environment, TEST_WORK sets the per-record cost. With
 * TEST_STATS set it installs its own shutdown hook (the same {@code close()} that {@link FunctionWorker#run} calls on
 * SIGTERM) and writes the worker's counters before and after the drain to that file.
 */
public final class WorkerProcessMain {
  private WorkerProcessMain() {}

  public static void main(String[] args) throws Exception {
    if (System.getenv("TEST_RUN_MAIN") != null) {
      // The usual main: FunctionWorker.run(fn) reads the environment and exits 1 on a fatal error.
      FunctionWorker.run(TaggingFunction.of(System.getenv("EBB_WORKER_ID"), Duration.ZERO));
      return;
    }
    WorkerConfig config = WorkerConfig.fromEnv();
    Duration work = WorkerConfig.parseDuration(System.getenv().getOrDefault("TEST_WORK", "0"));
    String statsFile = System.getenv("TEST_STATS");
    if (statsFile == null) {
      FunctionWorker.run(TaggingFunction.of(config.workerId(), work), config);
      return;
    }
    RunningWorker worker = FunctionWorker.start(TaggingFunction.of(config.workerId(), work), config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      WorkerStats before = worker.stats();
      worker.close();
      WorkerStats after = worker.stats();
      try {
        Files.writeString(Path.of(statsFile), "inFlightAtSigterm=" + before.inFlight() + "\nprocessed="
            + after.processed() + "\nabandoned=" + after.abandoned() + "\ninFlight=" + after.inFlight() + "\n");
      } catch (IOException e) {
        e.printStackTrace();
      }
    }));
    worker.termination().toCompletableFuture().join();
  }
}
