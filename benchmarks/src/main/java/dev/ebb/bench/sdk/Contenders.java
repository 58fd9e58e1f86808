package dev.ebb.bench.sdk;

import static dev.ebb.bench.sdk.SdkThroughputBenchmark.PIPELINED;
import static dev.ebb.bench.sdk.SdkThroughputBenchmark.RAW;
import static dev.ebb.bench.sdk.SdkThroughputBenchmark.SDK;

import dev.ebb.bench.sdk.SdkThroughputBenchmark.Options;
import dev.ebb.bench.sdk.SdkThroughputBenchmark.Round;
import dev.ebb.function.Codecs;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The three contenders of {@link SdkThroughputBenchmark}, each reading the whole topic once with a fresh group and
 * measured the same way: the serial hand-written loop, the pipelined hand-written loop and the SDK running a no-op.
 */
final class Contenders {
  private Contenders() {}

  private static double cpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  static Round measure(String contender, String bootstrap, String topic, Options o, int round)
      throws InterruptedException {
    return switch (contender) {
      case RAW -> rawLoop(bootstrap, topic, o, round);
      case PIPELINED -> pipelinedLoop(bootstrap, topic, o, round);
      default -> sdk(bootstrap, topic, o, round);
    };
  }

  /** The hand-written loop: poll, call the no-op, commit asynchronously once a second. */
  private static Round rawLoop(String bootstrap, String topic, Options o, int round) {
    Map<String, Object> c = consumerConfig(bootstrap, "raw-", o);
    long count = 0;
    long first = 0;
    long last = 0;
    long sink = 0;
    double cpu0 = cpuSeconds();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of(topic));
      long lastCommit = System.nanoTime();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (count < o.records() && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        if (first == 0) {
          first = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          sink += noop(r.value());
          count++;
        }
        last = System.nanoTime();
        if (last - lastCommit >= 1_000_000_000L) {
          consumer.commitAsync();
          lastCommit = last;
        }
      }
      consumer.commitSync();
    }
    if (sink == 42) {
      System.out.print("");
    }
    return new Round(RAW, round, count, (last - first) / 1e9, cpuSeconds() - cpu0);
  }

  private static Map<String, Object> consumerConfig(String bootstrap, String groupPrefix, Options o) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + UUID.randomUUID());
    c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, o.protocol().name().toLowerCase(Locale.ROOT));
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return c;
  }

  /**
   * The hand-written pipelined loop, shaped like the SDK: the poll thread owns the consumer and hands each batch to
   * one processing thread through a queue of 4 batches (blocking when full); the processing thread calls the no-op
   * and publishes the next offset per partition; the poll thread commits those every second.
   */
  private static Round pipelinedLoop(String bootstrap, String topic, Options o, int round)
      throws InterruptedException {
    Map<String, Object> c = consumerConfig(bootstrap, "pipelined-", o);
    java.util.concurrent.BlockingQueue<ConsumerRecords<byte[], byte[]>> queue =
        new java.util.concurrent.ArrayBlockingQueue<>(4);
    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> done =
        new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicLong processed = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong first = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
    long[] sink = new long[1];
    Thread worker = new Thread(() -> {
      try {
        while (processed.get() < o.records()) {
          ConsumerRecords<byte[], byte[]> batch = queue.poll(100, TimeUnit.MILLISECONDS);
          if (batch == null) {
            if (Thread.currentThread().isInterrupted()) {
              return;
            }
            continue;
          }
          first.compareAndSet(0, System.nanoTime());
          long n = 0;
          for (ConsumerRecord<byte[], byte[]> r : batch) {
            sink[0] += noop(r.value());
            n++;
            done.put(new org.apache.kafka.common.TopicPartition(r.topic(), r.partition()),
                new org.apache.kafka.clients.consumer.OffsetAndMetadata(r.offset() + 1));
          }
          last.set(System.nanoTime());
          processed.addAndGet(n);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "pipelined-processing");
    double cpu0 = cpuSeconds();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of(topic));
      worker.start();
      long lastCommit = System.nanoTime();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (processed.get() < o.records() && worker.isAlive() && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (!records.isEmpty()) {
          queue.put(records);
        }
        long now = System.nanoTime();
        if (now - lastCommit >= 1_000_000_000L && !done.isEmpty()) {
          consumer.commitAsync(Map.copyOf(done), null);
          lastCommit = now;
        }
      }
      worker.interrupt();
      worker.join(10_000);
      if (!done.isEmpty()) {
        consumer.commitSync(Map.copyOf(done));
      }
    }
    if (sink[0] == 42) {
      System.out.print("");
    }
    return new Round(PIPELINED, round, processed.get(), (last.get() - first.get()) / 1e9, cpuSeconds() - cpu0);
  }

  private static long noop(byte[] value) {
    return value == null ? 0 : value.length;
  }

  private static Round sdk(String bootstrap, String topic, Options o, int round) throws InterruptedException {
    WorkerConfig config = WorkerConfig.builder()
        .bootstrapServers(bootstrap)
        .topics(topic)
        .group("sdk-" + UUID.randomUUID())
        .groupProtocol(o.protocol())
        .httpOff()
        .workerId("sdk-bench-" + round)
        .build();
    EbbFunction<byte[], byte[]> fn = EbbFunction.of(Codecs.bytes(), Codecs.bytes(), r -> {
      noop(r.value());
      return null;
    });
    long first = 0;
    long last = 0;
    long processed = 0;
    double cpu0 = cpuSeconds();
    try (RunningWorker worker = FunctionWorker.start(fn, config)) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (processed < o.records() && System.nanoTime() < deadline) {
        long now = worker.stats().processed();
        long t = System.nanoTime();
        if (now > 0 && first == 0) {
          first = t;
        }
        if (now > processed) {
          last = t;
          processed = now;
        }
        Thread.sleep(5);
      }
    }
    return new Round(SDK, round, processed, (last - first) / 1e9, cpuSeconds() - cpu0);
  }
}
