package dev.ebb.function.internal;

import dev.ebb.function.BatchFunction;
import dev.ebb.function.DeadLetterHeaders;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.Record;
import dev.ebb.function.RecordFunction;
import dev.ebb.function.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the function on dispatched records: decode, call with retries and backoff, send the result to the output
 * topic, or the record to the dead-letter topic after the last attempt. Then marks the record finished. Called on the
 * processing threads; one call handles one lane batch in order.
 *
 * <p>Size: the single-record and the batch path share the retry, dead-letter and send-failure rules record by
 * record; keeping both paths here keeps those rules written once.
 */
public final class Processor<I, O> {
  private static final Logger LOG = LoggerFactory.getLogger(Processor.class);
  private static final int MAX_MESSAGE = 1000;
  /** Room for the record batch and record framing the producer adds around key, value and headers. */
  private static final int FRAMING = 1024;

  private final EbbFunction<I, O> function;
  private final WorkerConfig config;
  private final WorkerMetrics metrics;
  private final Producer<byte[], byte[]> producer;
  private final AtomicReference<Throwable> fatal;
  private final Callback sendCallback;
  private volatile boolean stopped;
  // Sends hold the read lock and check first that the record's partition is still theirs; aborting a transaction
  // holds the write lock, so a record of an aborted transaction never sends into the next one.
  private final ReadWriteLock sendLock = new ReentrantReadWriteLock();
  private final int maxRequestSize;

  public Processor(EbbFunction<I, O> function, WorkerConfig config, WorkerMetrics metrics,
                   Producer<byte[], byte[]> producer, AtomicReference<Throwable> fatal) {
    this.function = function;
    this.config = config;
    this.metrics = metrics;
    this.producer = producer;
    this.fatal = fatal;
    this.maxRequestSize = producer == null ? Integer.MAX_VALUE : ClientConfigs.maxRequestSize(config);
    this.sendCallback = (meta, e) -> {
      if (e instanceof org.apache.kafka.common.errors.TransactionAbortedException) {
        return; // exactly-once: its transaction was aborted on purpose; the outputs are discarded, the records come again
      }
      if (e != null) {
        // A lost output or dead letter must not be committed over: stop the worker, the records come back.
        fatal.compareAndSet(null, new IllegalStateException("Send to the output or dead-letter topic failed: " + e, e));
      }
    };
  }

  /** Held while a transaction is aborted and its records given up: no send starts meanwhile. */
  java.util.concurrent.locks.Lock abortLock() {
    return sendLock.writeLock();
  }

  /** Stops work at once: remaining records are left unfinished (abort). */
  public void stop() {
    stopped = true;
  }

  /**
   * Runs one lane batch. Every record of the batch is finished when this returns, whatever the function throws: a
   * fatal error ({@link #isFatal}) stops the worker and leaves the batch's unfinished records abandoned.
   */
  public void process(List<Pending> batch) {
    try {
      Optional<RecordFunction<I, O>> single = function.recordFunction();
      if (single.isPresent()) {
        for (Pending p : batch) {
          processOne(p, single.get());
        }
      } else {
        processBatch(batch, function.batchFunction().orElseThrow());
      }
    } catch (Throwable t) {
      failWorker(t);
      for (Pending p : batch) {
        finish(p, Segment.ABANDONED);
      }
    }
  }

  /**
   * A fatal error: the JVM cannot be trusted to go on ({@link VirtualMachineError} such as {@link OutOfMemoryError}
   * or {@link InternalError}). A {@link StackOverflowError} is not: the stack unwound, so it fails the record like any
   * other error from user code (as do {@link AssertionError}, {@link LinkageError} and the rest).
   */
  static boolean isFatal(Throwable t) {
    return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
  }

  private static void rethrowIfFatal(Throwable t) {
    if (isFatal(t)) {
      throw (VirtualMachineError) t;
    }
  }

  /** Stops the worker: the poll thread sees the error, exits without committing, and health fails. */
  void failWorker(Throwable t) {
    stopped = true;
    fatal.compareAndSet(null, t);
  }

  private boolean skip(Pending p) {
    if (stopped || p.segment().owner().abandoned()) {
      finish(p, Segment.ABANDONED);
      return true;
    }
    return false;
  }

  private void finish(Pending p, int outcome) {
    if (!p.segment().complete(p.index(), outcome)) {
      return;
    }
    if (outcome == Segment.ABANDONED) {
      metrics.abandoned.increment();
    }
    metrics.inFlight.done();
  }

  private Record<I> decode(ConsumerRecord<byte[], byte[]> r, int attempt) {
    I value = function.inputCodec().decode(r.value());
    return new Record<>(r.topic(), r.partition(), r.offset(), Instant.ofEpochMilli(Math.max(0, r.timestamp())),
        r.key(), value, r.headers(), attempt);
  }

  private void processOne(Pending p, RecordFunction<I, O> fn) {
    if (skip(p)) {
      return;
    }
    ConsumerRecord<byte[], byte[]> r = p.record();
    Record<I> input;
    try {
      input = decode(r, 1);
    } catch (RuntimeException | Error e) {
      rethrowIfFatal(e);
      // Decoding is deterministic: retrying a malformed record cannot help.
      deadLetter(p, e, 1);
      return;
    }
    int attempts = config.retries() + 1;
    for (int attempt = 1; ; attempt++) {
      long t0 = System.nanoTime();
      byte[] encoded;
      try {
        O out = fn.apply(attempt == 1 ? input : withAttempt(input, attempt));
        metrics.recordProcessing(System.nanoTime() - t0);
        encoded = encode(out);
      } catch (Exception | Error e) {
        rethrowIfFatal(e);
        metrics.recordProcessing(System.nanoTime() - t0);
        if (attempt >= attempts) {
          deadLetter(p, e, attempt);
          return;
        }
        metrics.retried.increment();
        if (!sleepBackoff(attempt, p)) {
          finish(p, Segment.ABANDONED);
          return;
        }
        continue;
      }
      sendLock.readLock().lock();
      try {
        if (skip(p)) {
          return; // given up while the function ran: its result would land in another owner's work
        }
        send(r, encoded);
        metrics.processed.increment();
        finish(p, Segment.SUCCEEDED);
      } finally {
        sendLock.readLock().unlock();
      }
      return;
    }
  }

  private static <T> Record<T> withAttempt(Record<T> r, int attempt) {
    return new Record<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers(), attempt);
  }

  private void processBatch(List<Pending> batch, BatchFunction<I, O> fn) {
    List<Pending> live = new ArrayList<>(batch.size());
    List<Record<I>> inputs = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      if (skip(p)) {
        continue;
      }
      try {
        inputs.add(decode(p.record(), 1));
        live.add(p);
      } catch (RuntimeException | Error e) {
        rethrowIfFatal(e);
        deadLetter(p, e, 1);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    if (!runBatch(live, inputs, fn) && live.size() > 1) {
      // The whole batch keeps failing: find the poison records by running them one at a time.
      for (int i = 0; i < live.size(); i++) {
        if (!skip(live.get(i))) {
          runBatch(List.of(live.get(i)), List.of(inputs.get(i)), fn);
        }
      }
    }
  }

  /** True if the batch succeeded; on final failure of a single-record batch the record is dead-lettered. */
  private boolean runBatch(List<Pending> live, List<Record<I>> inputs, BatchFunction<I, O> fn) {
    int attempts = config.retries() + 1;
    for (int attempt = 1; ; attempt++) {
      long t0 = System.nanoTime();
      List<byte[]> encoded;
      try {
        List<Record<I>> in = inputs;
        if (attempt > 1) {
          int a = attempt;
          in = inputs.stream().map(r -> withAttempt(r, a)).toList();
        }
        List<O> out = fn.apply(in);
        metrics.recordProcessing(System.nanoTime() - t0);
        if (out == null || out.size() != live.size()) {
          throw new IllegalStateException("Batch function returned " + (out == null ? "null" : out.size() + " results")
              + " for " + live.size() + " records: must return one result (or null) per record");
        }
        // Encode every result before sending any: a failure half-way must not leave the first results sent (twice,
        // once the attempt is retried; inside an exactly-once transaction as well).
        encoded = new ArrayList<>(out.size());
        for (O o : out) {
          encoded.add(encode(o));
        }
      } catch (Exception | Error e) {
        rethrowIfFatal(e);
        metrics.recordProcessing(System.nanoTime() - t0);
        if (attempt >= attempts) {
          if (live.size() == 1) {
            deadLetter(live.get(0), e, attempt);
          }
          return false;
        }
        metrics.retried.increment();
        if (!sleepBackoff(attempt, live.get(0))) {
          for (Pending p : live) {
            finish(p, Segment.ABANDONED);
          }
          return true;
        }
        continue;
      }
      // Outside the retry: a send that throws is not the function's failure and must not be retried (its first
      // results would go out twice); it reaches process(), which stops the worker, as in processOne.
      sendLock.readLock().lock();
      try {
        for (int i = 0; i < live.size(); i++) {
          Pending p = live.get(i);
          if (skip(p)) {
            continue; // a lane batch mixes partitions: this one was given up while the function ran
          }
          send(p.record(), encoded.get(i));
          metrics.processed.increment();
          finish(p, Segment.SUCCEEDED);
        }
      } finally {
        sendLock.readLock().unlock();
      }
      return true;
    }
  }

  /** Sleeps the backoff in short slices; false if the record's partition was given up meanwhile. */
  private boolean sleepBackoff(int retry, Pending p) {
    Duration d = Backoff.delay(retry, config.retryBackoff(), config.retryBackoffMax(),
        () -> ThreadLocalRandom.current().nextDouble());
    long until = System.nanoTime() + d.toNanos();
    while (true) {
      if (stopped || p.segment().owner().abandoned()) {
        return false;
      }
      long left = until - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      try {
        Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** The encoded result, or null for none (no result, or no output topic). */
  private byte[] encode(O out) {
    if (out == null || config.outputTopic().isEmpty()) {
      return null;
    }
    return function.outputCodec().encode(out);
  }

  /**
   * Hands an encoded result to the producer. A send that throws (producer closed or failed, buffer full for
   * {@code max.block.ms}) is not the record's fault and cannot be undone: it stops the worker like a failed send.
   */
  private void send(ConsumerRecord<byte[], byte[]> in, byte[] value) {
    if (value == null) {
      return;
    }
    producer.send(new ProducerRecord<>(config.outputTopic().get(), null, in.key(), value), sendCallback);
  }

  private void deadLetter(Pending p, Throwable error, int attempts) {
    sendLock.readLock().lock();
    try {
      if (!skip(p)) {
        sendDeadLetter(p, error, attempts);
      }
    } finally {
      sendLock.readLock().unlock();
    }
  }

  private void sendDeadLetter(Pending p, Throwable error, int attempts) {
    ConsumerRecord<byte[], byte[]> r = p.record();
    metrics.failed.increment();
    if (config.dlqTopic().isEmpty()) {
      LOG.warn("Skipping {}-{}@{} after {} attempt(s), no dead-letter topic set: {}",
          r.topic(), r.partition(), r.offset(), attempts, error.toString());
      finish(p, Segment.FAILED);
      return;
    }
    RecordHeaders headers = new RecordHeaders(r.headers().toArray());
    header(headers, DeadLetterHeaders.TOPIC, r.topic());
    header(headers, DeadLetterHeaders.PARTITION, Integer.toString(r.partition()));
    header(headers, DeadLetterHeaders.OFFSET, Long.toString(r.offset()));
    header(headers, DeadLetterHeaders.ERROR_CLASS, error.getClass().getName());
    String message = String.valueOf(error.getMessage());
    header(headers, DeadLetterHeaders.ERROR_MESSAGE,
        message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message);
    header(headers, DeadLetterHeaders.ATTEMPTS, Integer.toString(attempts));
    header(headers, DeadLetterHeaders.GROUP, config.groupId());
    header(headers, DeadLetterHeaders.WORKER, config.workerId());
    byte[] value = fitDeadLetter(r, headers);
    producer.send(new ProducerRecord<>(config.dlqTopic().get(), null, r.key(), value, headers), sendCallback);
    metrics.deadLettered.increment();
    LOG.info("Dead-lettered {}-{}@{} to {} after {} attempt(s): {}",
        r.topic(), r.partition(), r.offset(), config.dlqTopic().get(), attempts, error.toString());
    finish(p, Segment.FAILED);
  }

  /**
   * The value to send, cut so that the dead letter fits {@code max.request.size}: a record too large to dead-letter
   * would otherwise fail its send, stop the worker, and do so again after every restart. A cut dead letter carries
   * {@link DeadLetterHeaders#TRUNCATED}; if key and headers alone are too large, the original headers are dropped.
   */
  private byte[] fitDeadLetter(ConsumerRecord<byte[], byte[]> r, RecordHeaders headers) {
    int valueSize = r.value() == null ? 0 : r.value().length;
    long rest = FRAMING + (r.key() == null ? 0 : r.key().length) + headerBytes(headers);
    if (rest + valueSize <= maxRequestSize) {
      return r.value();
    }
    if (rest > maxRequestSize) {
      for (org.apache.kafka.common.header.Header h : r.headers()) {
        if (!h.key().startsWith("ebb.dlq.")) {
          headers.remove(h.key());
        }
      }
      rest = FRAMING + (r.key() == null ? 0 : r.key().length) + headerBytes(headers);
    }
    header(headers, DeadLetterHeaders.TRUNCATED, Integer.toString(valueSize));
    rest += 64;
    int keep = (int) Math.max(0, Math.min(valueSize, maxRequestSize - rest));
    metrics.deadLettersTruncated.increment();
    LOG.warn("Dead letter of {}-{}@{} is too large for max.request.size {}: sending {} of its {}"
        + " value bytes, with header {}", r.topic(), r.partition(), r.offset(), maxRequestSize, keep, valueSize,
        DeadLetterHeaders.TRUNCATED);
    return keep == 0 ? null : java.util.Arrays.copyOf(r.value(), keep);
  }

  private static long headerBytes(RecordHeaders headers) {
    long n = 0;
    for (org.apache.kafka.common.header.Header h : headers) {
      n += h.key().length() * 3L + (h.value() == null ? 0 : h.value().length) + 10;
    }
    return n;
  }

  private static void header(RecordHeaders headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
