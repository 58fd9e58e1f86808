package dev.ebb.function.internal;

import dev.ebb.function.EbbFunction;
import dev.ebb.function.ProcessingGuarantee;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.function.WorkerStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both worker kinds share: the processing threads, the producer, metrics, the HTTP endpoints, and the poll
 * thread's life cycle. Subclasses implement {@link #runLoop()} on the poll thread.
 */
public abstract class WorkerRuntime implements RunningWorker {
  protected static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);

  protected final WorkerConfig config;
  protected final WorkerMetrics metrics;
  protected final AtomicReference<Throwable> fatal = new AtomicReference<>();
  protected final Producer<byte[], byte[]> producer;
  protected final Processor<?, ?> processor;
  protected final Lanes lanes;
  protected volatile boolean stopRequested;
  protected volatile boolean aborted;
  protected volatile boolean ready;
  private final CompletableFuture<Void> termination = new CompletableFuture<>();
  private final Thread pollThread;
  private HealthServer http;

  protected WorkerRuntime(EbbFunction<?, ?> function, WorkerConfig config) {
    this.config = config;
    this.metrics = new WorkerMetrics(config.concurrency());
    boolean needsProducer = config.outputTopic().isPresent() || config.dlqTopic().isPresent()
        || config.guarantee() == ProcessingGuarantee.EXACTLY_ONCE;
    this.producer = needsProducer ? new KafkaProducer<>(ClientConfigs.producer(config)) : null;
    this.processor = new Processor<>(function, config, metrics, producer, fatal);
    this.lanes = new Lanes(config.concurrency(), config.ordering(), "ebb-" + config.workerId(), processor::process,
        processor::failWorker);
    this.pollThread = new Thread(this::main, "ebb-poll-" + config.workerId());
    this.pollThread.setDaemon(true);
  }

  /** Starts the HTTP endpoints and the poll thread. */
  public final RunningWorker start() {
    if (config.httpPort().isPresent()) {
      try {
        http = HealthServer.start(config.httpPort().getAsInt(), metrics.registry(), this::healthy, this::isReady);
      } catch (IOException e) {
        closeQuietly();
        throw new UncheckedIOException("Cannot listen on " + WorkerConfig.HTTP_PORT + " "
            + config.httpPort().getAsInt() + ": " + e.getMessage(), e);
      }
    }
    pollThread.start();
    return this;
  }

  protected abstract void runLoop() throws Exception;

  /** Releases the consumer after an abort or a fatal error: no commits, no waiting. */
  protected abstract void closeConsumerAbruptly();

  private void main() {
    Throwable failure = null;
    try {
      LOG.info("Worker {} starting: group {}, topics {}, {}, {} thread(s)", config.workerId(),
          config.groupId(), config.topics(), config.guarantee().name().toLowerCase(), config.concurrency());
      runLoop();
    } catch (Throwable t) {
      failure = fatal.get() != null ? fatal.get() : t;
      if (!aborted) {
        LOG.error("Worker " + config.workerId() + " stopped on a fatal error; uncommitted records will be"
            + " delivered again", failure);
      }
      closeConsumerAbruptly();
    } finally {
      ready = false;
      processor.stop();
      lanes.shutdown(aborted || failure != null ? 0 : 5_000);
      closeQuietly();
      if (failure == null || aborted) {
        LOG.info("Worker {} stopped", config.workerId());
        termination.complete(null);
      } else {
        termination.completeExceptionally(failure);
      }
    }
  }

  protected final void closeQuietly() {
    if (producer != null) {
      try {
        producer.close(aborted ? java.time.Duration.ZERO : java.time.Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        LOG.debug("Producer close failed", e);
      }
    }
    if (http != null) {
      http.close();
    }
  }

  /** Throws the first fatal error recorded by a send callback or processing thread. */
  protected final void checkFatal() {
    Throwable t = fatal.get();
    if (t != null) {
      throw new IllegalStateException(t.getMessage(), t);
    }
  }

  private boolean healthy() {
    return fatal.get() == null && !termination.isCompletedExceptionally();
  }

  @Override
  public String workerId() {
    return config.workerId();
  }

  @Override
  public void close() {
    stopRequested = true;
    if (Thread.currentThread() != pollThread) {
      termination.handle((v, e) -> null).join();
    }
  }

  @Override
  public void abort() {
    aborted = true;
    stopRequested = true;
    processor.stop();
    if (Thread.currentThread() != pollThread) {
      termination.handle((v, e) -> null).join();
    }
  }

  @Override
  public CompletionStage<Void> termination() {
    return termination.minimalCompletionStage();
  }

  @Override
  public boolean isReady() {
    return ready && !stopRequested;
  }

  @Override
  public OptionalInt httpPort() {
    return http == null ? OptionalInt.empty() : OptionalInt.of(http.port());
  }

  @Override
  public WorkerStats stats() {
    return metrics.stats();
  }

  public WorkerMetrics metrics() {
    return metrics;
  }
}
