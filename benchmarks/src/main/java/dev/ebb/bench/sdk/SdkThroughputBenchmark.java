package dev.ebb.bench.sdk;

import dev.ebb.function.Codecs;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.GroupProtocol;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.testkit.KafkaBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * SDK overhead: a no-op function run by the SDK versus a hand-written {@code KafkaConsumer} poll loop, on the same
 * topic and broker in the same run. Each contender reads the whole topic with a fresh group; rounds alternate
 * (raw, SDK, raw, SDK, ...) after a warm-up pass of each, so both see the same page-cache and JIT conditions; the
 * best round of each is compared, and the medians and CPU time per record are reported too.
 * Rate = records / (time of the last record - time of the first record), so group-join time is excluded for both.
 */
public final class SdkThroughputBenchmark {
  private SdkThroughputBenchmark() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  private record Options(int records, int partitions, int valueBytes, int rounds, String bootstrap,
                         GroupProtocol protocol, Path out) {}

  /** One contender reading the topic once; cpuSeconds is this JVM's CPU time meanwhile (the broker is another JVM). */
  private record Round(String contender, int round, long records, double seconds, double cpuSeconds) {
    double rate() {
      return records / seconds;
    }

    double cpuMicrosPerRecord() {
      return cpuSeconds * 1e6 / records;
    }
  }

  private static double cpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  private static final String USAGE = """
      Usage: sdk-throughput [--records N] [--partitions N] [--value-bytes N] [--rounds N]
                            [--protocol consumer|classic] [--bootstrap HOST:PORT] [--out FILE]

      Measures records/s of a no-op function on the Ebb SDK against a hand-written KafkaConsumer poll loop
      (both committing every second) on the same topic. Starts a testkit broker unless --bootstrap is given.
      Defaults: --records 1000000 --partitions 8 --value-bytes 100 --rounds 3 --protocol consumer
                --out benchmarks/results/sdk-throughput.md (a .json next to it). Goal: SDK >= 90 % of raw.
      """;

  public static int run(String[] args) {
    // Kafka clients log every config at INFO; keep the console to the results (only effective before slf4j starts).
    if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
    }
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
    if (o == null) {
      System.out.print(USAGE);
      return 0;
    }
    KafkaBroker broker = null;
    try {
      String bootstrap = o.bootstrap();
      if (bootstrap == null) {
        System.out.println("Starting a testkit broker ...");
        broker = KafkaBroker.start();
        bootstrap = broker.bootstrapServers();
      }
      String topic = "sdk-bench-" + UUID.randomUUID().toString().substring(0, 8);
      if (broker != null) {
        broker.createTopic(topic, o.partitions());
      } else {
        createTopic(bootstrap, topic, o.partitions());
      }
      System.out.printf("Producing %,d records of %d bytes to %s (%d partitions) ...%n", o.records(), o.valueBytes(),
          topic, o.partitions());
      produce(bootstrap, topic, o.records(), o.valueBytes());

      // Warm-up, not reported: the broker's page cache and both code paths' JIT start equal for the measured rounds.
      System.out.println("Warm-up: one pass of each ...");
      rawLoop(bootstrap, topic, o, 0);
      sdk(bootstrap, topic, o, 0);
      List<Round> rounds = new ArrayList<>();
      for (int r = 1; r <= o.rounds(); r++) {
        Round raw = rawLoop(bootstrap, topic, o, r);
        System.out.printf("round %d raw: %,.0f records/s (%.2f s)%n", r, raw.rate(), raw.seconds());
        rounds.add(raw);
        Round sdk = sdk(bootstrap, topic, o, r);
        System.out.printf("round %d sdk: %,.0f records/s (%.2f s)%n", r, sdk.rate(), sdk.seconds());
        rounds.add(sdk);
      }
      String md = report(o, rounds);
      System.out.println();
      System.out.print(md);
      write(o.out(), md, json(o, rounds));
      double ratio = best(rounds, "sdk") / best(rounds, "raw");
      return ratio >= 0.9 ? 0 : 1;
    } catch (Exception e) {
      System.err.println("Benchmark failed: " + e);
      return 1;
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
  }

  private static Options parse(String[] args) {
    int records = 1_000_000;
    int partitions = 8;
    int valueBytes = 100;
    int rounds = 3;
    String bootstrap = null;
    GroupProtocol protocol = GroupProtocol.CONSUMER;
    Path out = Path.of("benchmarks", "results", "sdk-throughput.md");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("Missing value for " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--records" -> records = positive(a, v);
        case "--partitions" -> partitions = positive(a, v);
        case "--value-bytes" -> valueBytes = positive(a, v);
        case "--rounds" -> rounds = positive(a, v);
        case "--bootstrap" -> bootstrap = v;
        case "--out" -> out = Path.of(v);
        case "--protocol" -> {
          if (!v.equals("consumer") && !v.equals("classic")) {
            throw new IllegalArgumentException("Invalid value " + v + " for --protocol: must be consumer or classic");
          }
          protocol = GroupProtocol.valueOf(v.toUpperCase(Locale.ROOT));
        }
        default -> throw new IllegalArgumentException("Unknown option " + a);
      }
    }
    return new Options(records, partitions, valueBytes, rounds, bootstrap, protocol, out);
  }

  private static int positive(String name, String v) {
    try {
      int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Fall through to the message below.
    }
    throw new IllegalArgumentException("Invalid value " + v + " for " + name + ": must be an integer > 0");
  }

  private static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  private static void produce(String bootstrap, String topic, int records, int valueBytes) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    byte[] value = new byte[valueBytes];
    java.util.Arrays.fill(value, (byte) 'x');
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, Integer.toString(i).getBytes(), value));
      }
      producer.flush();
    }
  }

  /** The hand-written loop: poll, call the no-op, commit asynchronously once a second. */
  private static Round rawLoop(String bootstrap, String topic, Options o, int round) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "raw-" + UUID.randomUUID());
    c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, o.protocol().name().toLowerCase(Locale.ROOT));
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
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
    return new Round("raw", round, count, (last - first) / 1e9, cpuSeconds() - cpu0);
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
    return new Round("sdk", round, processed, (last - first) / 1e9, cpuSeconds() - cpu0);
  }

  private static double median(List<Round> rounds, String contender, java.util.function.ToDoubleFunction<Round> f) {
    double[] v = rounds.stream().filter(r -> r.contender().equals(contender)).mapToDouble(f).sorted().toArray();
    return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double best(List<Round> rounds, String contender) {
    return rounds.stream().filter(r -> r.contender().equals(contender)).mapToDouble(Round::rate).max().orElse(0);
  }

  private static String report(Options o, List<Round> rounds) {
    double raw = best(rounds, "raw");
    double sdk = best(rounds, "sdk");
    StringBuilder sb = new StringBuilder();
    sb.append("# SDK throughput: no-op function vs hand-written poll loop\n\n");
    sb.append(String.format(Locale.ROOT, "Run %s on %d CPU(s), Java %s; broker: Ebb testkit (Kafka 4.4, KRaft, same"
            + " machine).%n%n", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
    sb.append(String.format(Locale.ROOT, "%,d records of %d bytes, %d partitions, group protocol %s, default fetch"
            + " settings (max.poll.records 500), both committing every second. Rate = records / (last record -"
            + " first record); after one unreported warm-up pass of each, %d alternating rounds.%n%n", o.records(), o.valueBytes(), o.partitions(),
        o.protocol().name().toLowerCase(Locale.ROOT), o.rounds()));
    sb.append(String.format(Locale.ROOT, "Machine load while running: %.1f (1-minute load average, %d CPUs)."
        + " Other processes share the CPUs, so single rounds are noisy; the CPU time per record of the consuming"
        + " JVM (the broker runs in its own JVM) is the steadier overhead measure.%n%n",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors()));
    sb.append("| contender | round | records | seconds | records/s | consumer CPU µs/record |\n"
        + "|---|---|---|---|---|---|\n");
    for (Round r : rounds) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %,d | %.2f | %,.0f | %.2f |%n", r.contender(), r.round(),
          r.records(), r.seconds(), r.rate(), r.cpuMicrosPerRecord()));
    }
    sb.append(String.format(Locale.ROOT, "%nMedian records/s: raw %,.0f, SDK %,.0f (SDK / raw = %.1f %%). Median CPU"
            + " per record: raw %.2f µs, SDK %.2f µs.%n", median(rounds, "raw", Round::rate),
        median(rounds, "sdk", Round::rate), 100 * median(rounds, "sdk", Round::rate) / median(rounds, "raw",
            Round::rate), median(rounds, "raw", Round::cpuMicrosPerRecord),
        median(rounds, "sdk", Round::cpuMicrosPerRecord)));
    sb.append(String.format(Locale.ROOT, "%n**SDK / raw = %.1f %%** (best %,.0f vs %,.0f records/s); goal >= 90 %%:"
        + " %s.%n", 100 * sdk / raw, sdk, raw, sdk / raw >= 0.9 ? "met" : "NOT met"));
    sb.append("\nReproduce: `java -cp <benchmarks classpath> dev.ebb.bench.sdk.SdkThroughputBenchmark`"
        + " (see `--help`).\n");
    return sb.toString();
  }

  private static String json(Options o, List<Round> rounds) {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append(String.format(Locale.ROOT, "  \"records\": %d, \"partitions\": %d, \"valueBytes\": %d,"
            + " \"protocol\": \"%s\", \"cpus\": %d,%n", o.records(), o.partitions(), o.valueBytes(),
        o.protocol().name().toLowerCase(Locale.ROOT), Runtime.getRuntime().availableProcessors()));
    sb.append("  \"rounds\": [\n");
    for (int i = 0; i < rounds.size(); i++) {
      Round r = rounds.get(i);
      sb.append(String.format(Locale.ROOT, "    {\"contender\": \"%s\", \"round\": %d, \"records\": %d,"
              + " \"seconds\": %.3f, \"recordsPerSecond\": %.0f, \"cpuMicrosPerRecord\": %.3f}%s%n",
          r.contender(), r.round(), r.records(), r.seconds(), r.rate(), r.cpuMicrosPerRecord(), i + 1 < rounds.size() ? "," : ""));
    }
    double raw = best(rounds, "raw");
    double sdk = best(rounds, "sdk");
    sb.append(String.format(Locale.ROOT, "  ],%n  \"bestRaw\": %.0f, \"bestSdk\": %.0f, \"ratio\": %.4f%n}%n",
        raw, sdk, sdk / raw));
    return sb.toString();
  }

  private static void write(Path md, String markdown, String json) throws IOException {
    if (md.getParent() != null) {
      Files.createDirectories(md.getParent());
    }
    Files.writeString(md, markdown);
    String name = md.getFileName().toString();
    Path js = md.resolveSibling(name.endsWith(".md") ? name.substring(0, name.length() - 3) + ".json"
        : name + ".json");
    Files.writeString(js, json);
    PrintStream out = System.out;
    out.println("Wrote " + md + " and " + js);
  }
}
