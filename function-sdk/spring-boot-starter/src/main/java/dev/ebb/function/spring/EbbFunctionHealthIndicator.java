package dev.ebb.function.spring;

import dev.ebb.function.WorkerConfig;
import dev.ebb.function.WorkerStats;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The worker in {@code /actuator/health} as component {@code ebbFunction}: UP while it runs (detail {@code state}:
 * STARTING until it is in its group and fetching, then READY), DOWN after a fatal error, OUT_OF_SERVICE when
 * stopped, UNKNOWN before the first start. Details carry the counters, never the Kafka client settings.
 */
public final class EbbFunctionHealthIndicator extends AbstractHealthIndicator {
  private final EbbFunctionWorker worker;

  public EbbFunctionHealthIndicator(EbbFunctionWorker worker) {
    super("Ebb function health check failed");
    this.worker = worker;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    EbbFunctionWorker.State state = worker.state();
    switch (state) {
      case READY, STARTING -> builder.up();
      case FAILED -> builder.down();
      case STOPPED -> builder.status(Status.OUT_OF_SERVICE);
      case NOT_STARTED -> builder.unknown();
    }
    WorkerConfig config = worker.config();
    WorkerStats stats = worker.stats();
    builder.withDetail("state", state.name())
        .withDetail("workerId", config.workerId())
        .withDetail(config.isShareGroup() ? "shareGroup" : "group", config.groupId())
        .withDetail("topics", config.topics())
        .withDetail("function", worker.functionBean())
        .withDetail("assignedPartitions", stats.assignedPartitions())
        .withDetail("inFlight", stats.inFlight())
        .withDetail("processed", stats.processed())
        .withDetail("failed", stats.failed())
        .withDetail("deadLettered", stats.deadLettered());
    worker.failure().ifPresent(e -> builder.withDetail("error", e.getClass().getName() + ": " + e.getMessage()));
  }
}
