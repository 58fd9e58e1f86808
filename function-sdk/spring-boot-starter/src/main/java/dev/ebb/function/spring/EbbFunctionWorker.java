package dev.ebb.function.spring;

import dev.ebb.function.ConfigException;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.function.WorkerStats;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The Ebb function worker of a Spring application, tied to the context's lifecycle: it starts when the context has
 * refreshed (after the beans the function uses) and drains when the context closes, which is what SIGTERM does to a
 * Spring Boot application: fetching stops, in-flight records finish within {@code ebb.function.shutdown-grace}, the
 * finished offsets are committed and the worker leaves its group, before any bean is destroyed.
 *
 * <p>While the worker runs, a non-daemon thread keeps the JVM alive, so an application without a web server runs
 * until SIGTERM rather than ending when {@code main} returns.
 *
 * <p>If the worker stops on a fatal error (an output or dead-letter send that failed, for instance) the application
 * keeps running, its {@code ebbFunction} health turns DOWN and its liveness state turns
 * {@link LivenessState#BROKEN}, so a liveness probe restarts it; the records since the last commit are delivered
 * again. Thread-safe.
 */
public final class EbbFunctionWorker implements SmartLifecycle, DisposableBean {
  /** Stops before the web server and other lifecycles (Spring Kafka's listener containers use the same phase). */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;
  private static final Log LOG = LogFactory.getLog(EbbFunctionWorker.class);

  private final EbbFunction<?, ?> function;
  private final WorkerConfig config;
  private final String functionBean;
  private final boolean autoStartup;
  private final ApplicationEventPublisher events;
  private RunningWorker worker;
  private boolean stopping;

  public EbbFunctionWorker(EbbFunction<?, ?> function, WorkerConfig config, String functionBean, boolean autoStartup,
                           ApplicationEventPublisher events) {
    this.function = function;
    this.config = config;
    this.functionBean = functionBean;
    this.autoStartup = autoStartup;
    this.events = events;
  }

  /**
   * Starts the worker (joins the group and begins fetching). Does nothing while a worker is running.
   *
   * @throws EbbFunctionConfigurationException if the Kafka client settings are invalid
   */
  @Override
  public synchronized void start() {
    if (worker != null && !isDone(worker)) {
      return;
    }
    stopping = false;
    try {
      worker = FunctionWorker.start(function, config);
    } catch (ConfigException e) {
      throw new EbbFunctionConfigurationException(e.problems().stream().map(WorkerConfigs::rename).toList());
    }
    LOG.info("Ebb function worker " + config.workerId() + " started for bean '" + functionBean + "': group "
        + config.groupId() + ", topics " + config.topics());
    RunningWorker started = worker;
    // The SDK's threads are daemons; without a web server nothing else would keep the JVM alive after main()
    // returns, and the application would drain and exit right after starting.
    Thread keepAlive = new Thread(() -> started.termination().toCompletableFuture().handle((ok, e) -> null).join(),
        "ebb-keep-alive-" + config.workerId());
    keepAlive.setDaemon(false);
    keepAlive.start();
    started.termination().whenComplete((ok, error) -> {
      if (error != null && !isStopping()) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        LOG.error("Ebb function worker " + config.workerId() + " stopped on a fatal error (" + cause.getMessage()
            + "); liveness is now BROKEN");
        if (events != null) {
          AvailabilityChangeEvent.publish(events, this, LivenessState.BROKEN);
        }
      }
    });
  }

  /** Graceful drain, as on SIGTERM; blocks until the worker has stopped (bounded by the shutdown grace). */
  @Override
  public void stop() {
    RunningWorker w;
    synchronized (this) {
      stopping = true;
      w = worker;
    }
    if (w != null && !isDone(w)) {
      w.close();
      LOG.info("Ebb function worker " + config.workerId() + " drained and stopped");
    }
  }

  /** Drains synchronously, so nothing in this or a lower phase stops while records are still in flight. */
  @Override
  public void stop(Runnable callback) {
    try {
      stop();
    } finally {
      callback.run();
    }
  }

  /** Also drains when the context closes without stopping its lifecycles first (a failed refresh). */
  @Override
  public void destroy() {
    stop();
  }

  @Override
  public synchronized boolean isRunning() {
    return worker != null && !isDone(worker);
  }

  @Override
  public boolean isAutoStartup() {
    return autoStartup;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  private synchronized boolean isStopping() {
    return stopping;
  }

  private static boolean isDone(RunningWorker w) {
    return w.termination().toCompletableFuture().isDone();
  }

  /** The worker of the current start, if it was started. */
  public synchronized Optional<RunningWorker> runningWorker() {
    return Optional.ofNullable(worker);
  }

  EbbFunction<?, ?> function() {
    return function;
  }

  /** The settings the worker runs with. */
  public WorkerConfig config() {
    return config;
  }

  /** The name of the bean that is the function. */
  public String functionBean() {
    return functionBean;
  }

  /** Counters of the current worker; zeros before the first start. */
  public WorkerStats stats() {
    return runningWorker().map(RunningWorker::stats)
        .orElseGet(() -> new WorkerStats(0, 0, 0, 0, 0, 0, 0, Duration.ZERO));
  }

  /** The state a person reads in the health details. */
  public State state() {
    RunningWorker w = runningWorker().orElse(null);
    if (w == null) {
      return State.NOT_STARTED;
    }
    CompletableFuture<Void> t = w.termination().toCompletableFuture();
    if (t.isCompletedExceptionally()) {
      return State.FAILED;
    }
    if (t.isDone()) {
      return State.STOPPED;
    }
    return w.isReady() ? State.READY : State.STARTING;
  }

  /** The error that stopped the worker, if it stopped on one. */
  public Optional<Throwable> failure() {
    return runningWorker().flatMap(w -> {
      try {
        w.termination().toCompletableFuture().getNow(null);
        return Optional.empty();
      } catch (CompletionException e) {
        return Optional.of(e.getCause() != null ? e.getCause() : e);
      } catch (java.util.concurrent.CancellationException e) {
        return Optional.of(e);
      }
    });
  }

  /** Where the worker is in its life. */
  public enum State {
    NOT_STARTED,
    /** Started, not yet in its group and fetching (or between assignments). */
    STARTING,
    READY,
    /** Drained and stopped. */
    STOPPED,
    FAILED
  }
}
