package dev.ebb.bench.sdk;

import dev.ebb.function.GroupProtocol;
import dev.ebb.scaler.cli.Cli;
import dev.ebb.testkit.KafkaBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * SDK overhead: a no-op function run by the SDK versus two hand-written {@code KafkaConsumer} loops — a serial one
 * (poll, process, commit on one thread) and a pipelined one (a poll thread handing batches to a processing thread,
 * which is how the SDK works: one poll thread, one processing lane by default) — on the same topic and broker in the
 * same run. Each contender reads the whole topic with a fresh group; after a warm-up pass of each, rounds run in
 * alternating order (raw, pipelined, SDK, then SDK, pipelined, raw, ...) so that no contender always goes first.
 * The headline is the median over the rounds of records/s and of the consuming JVM's CPU time per record, side by
 * side; no best-of. Rate = records / (time of the last record - time of the first record), so group-join time is
 * excluded for all.
 *
 * <p>The contenders' loops are in {@link Contenders}; this class runs the rounds and writes the report.
 */
public final class SdkThroughputBenchmark {
  private SdkThroughputBenchmark() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  record Options(int records, int partitions, int valueBytes, int rounds, String bootstrap,
                         GroupProtocol protocol, Path out) {}

  /** One contender reading the topic once; cpuSeconds is this JVM's CPU time meanwhile (the broker is another JVM). */
  record Round(String contender, int round, long records, double seconds, double cpuSeconds) {
    double rate() {
      return records / seconds;
    }

    double cpuMicrosPerRecord() {
      return cpuSeconds * 1e6 / records;
    }
  }

  @Command(name = "ebb bench-sdk", description = {"Measures records/s and CPU per record of a no-op function on "
      + "the Ebb SDK against hand-written KafkaConsumer loops, serial and pipelined (all committing every second), on "
      + "the same topic, in alternating order. Starts a testkit broker unless --bootstrap is given.", ""},
      footer = {"", "Goal: SDK median records/s >= 90 % of the serial raw loop's median."})
  static final class Spec {
    @Option(names = "--records", paramLabel = "N", description = "records in the topic (default 2000000; _ and , "
        + "may group digits)")
    String records = "2000000";
    @Option(names = "--partitions", paramLabel = "N", description = "default 8")
    String partitions = "8";
    @Option(names = "--value-bytes", paramLabel = "N", description = "default 100")
    String valueBytes = "100";
    @Option(names = "--rounds", paramLabel = "N", description = "default 5")
    String rounds = "5";
    @Option(names = "--protocol", paramLabel = "consumer|classic", description = "group protocol (default consumer)")
    String protocol = "consumer";
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "an existing broker instead of a testkit "
        + "one")
    String bootstrap;
    @Option(names = "--out", paramLabel = "FILE", description = "default benchmarks/results/sdk-throughput.md (a "
        + ".json next to it)")
    Path out = Path.of("benchmarks", "results", "sdk-throughput.md");

    Options check() {
      List<String> problems = new ArrayList<>();
      int r = positive(problems, "--records", records);
      int p = positive(problems, "--partitions", partitions);
      int v = positive(problems, "--value-bytes", valueBytes);
      int n = positive(problems, "--rounds", rounds);
      if (!protocol.equals("consumer") && !protocol.equals("classic")) {
        problems.add("Invalid value " + protocol + " for --protocol: must be consumer or classic");
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("\n", problems));
      }
      return new Options(r, p, v, n, bootstrap, GroupProtocol.valueOf(protocol.toUpperCase(Locale.ROOT)), out);
    }
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    // Kafka clients log every config at INFO; ebb-logging keeps them to warnings, so the console shows the results.
    return Cli.run("bench-sdk", args, out, err, SdkThroughputBenchmark::parse, SdkThroughputBenchmark::execute);
  }

  private static int execute(Options o) throws Exception {
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
      String loadBefore = loadAverage();
      System.out.println("Warm-up: one pass of each ...");
      for (String contender : CONTENDERS) {
        Contenders.measure(contender, bootstrap, topic, o, 0);
      }
      List<Round> rounds = new ArrayList<>();
      for (int r = 1; r <= o.rounds(); r++) {
        for (String contender : order(r, CONTENDERS)) {
          Round round = Contenders.measure(contender, bootstrap, topic, o, r);
          System.out.printf(Locale.ROOT, "round %d %-9s: %,.0f records/s (%.2f s), %.2f µs CPU/record%n", r,
              contender, round.rate(), round.seconds(), round.cpuMicrosPerRecord());
          rounds.add(round);
        }
      }
      String loadAfter = loadAverage();
      String md = report(o, rounds, loadBefore, loadAfter);
      System.out.println();
      System.out.print(md);
      write(o.out(), md, json(o, rounds, loadBefore, loadAfter));
      double ratio = median(rounds, SDK, Round::rate) / median(rounds, RAW, Round::rate);
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

  static final String RAW = "raw";
  static final String PIPELINED = "pipelined";
  static final String SDK = "sdk";
  static final List<String> CONTENDERS = List.of(RAW, PIPELINED, SDK);

  /** Round 1 runs the contenders in the given order, round 2 backwards, round 3 forwards again, ... */
  static List<String> order(int round, List<String> contenders) {
    List<String> order = new ArrayList<>(contenders);
    if (round % 2 == 0) {
      java.util.Collections.reverse(order);
    }
    return order;
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " / " + parts[1] + " / " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static Options parse(String[] args) {
    return Cli.parse(new Spec(), args, Spec::check);
  }

  private static int positive(List<String> problems, String name, String v) {
    try {
      int n = Integer.parseInt(v.replace("_", "").replace(",", ""));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Fall through to the message below.
    }
    problems.add("Invalid value " + v + " for " + name + ": must be an integer > 0");
    return 1;
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

  static double median(List<Round> rounds, String contender, java.util.function.ToDoubleFunction<Round> f) {
    double[] v = rounds.stream().filter(r -> r.contender().equals(contender)).mapToDouble(f).sorted().toArray();
    return v.length == 0 ? Double.NaN
        : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static double min(List<Round> rounds, String contender, java.util.function.ToDoubleFunction<Round> f) {
    return rounds.stream().filter(r -> r.contender().equals(contender)).mapToDouble(f).min().orElse(Double.NaN);
  }

  static double max(List<Round> rounds, String contender, java.util.function.ToDoubleFunction<Round> f) {
    return rounds.stream().filter(r -> r.contender().equals(contender)).mapToDouble(f).max().orElse(Double.NaN);
  }

  private static String label(String contender) {
    return switch (contender) {
      case RAW -> "raw loop, serial (poll + process + commit on one thread)";
      case PIPELINED -> "raw loop, pipelined (poll thread + processing thread)";
      default -> "Ebb SDK (poll thread + 1 processing lane)";
    };
  }

  static String report(Options o, List<Round> rounds, String loadBefore, String loadAfter) {
    StringBuilder sb = new StringBuilder();
    sb.append("# SDK throughput: no-op function vs hand-written poll loops\n\n");
    sb.append(String.format(Locale.ROOT, "Run %s on %d CPU(s), Java %s; broker: Ebb testkit (Kafka 4.4, KRaft, same"
            + " machine). The machine is shared with other engineers' builds and tests: load average %s before and %s"
            + " after (1 / 5 / 15 min), so single rounds are noisy.%n%n",
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore, loadAfter));
    sb.append(String.format(Locale.ROOT, "%,d records of %d bytes, %d partitions, group protocol %s, default fetch"
            + " settings (max.poll.records 500), all committing every second. Rate = records / (last record -"
            + " first record). After one unreported warm-up pass of each, %d rounds in alternating order (%s). CPU"
            + " = the consuming JVM's CPU time per record (the broker runs in its own JVM).%n%n", o.records(),
        o.valueBytes(), o.partitions(), o.protocol().name().toLowerCase(Locale.ROOT), o.rounds(),
        orderText(o.rounds())));
    sb.append("Median over the rounds (min–max):\n\n| contender | records/s | CPU µs/record |\n|---|---|---|\n");
    for (String c : CONTENDERS) {
      sb.append(String.format(Locale.ROOT, "| %s | %,.0f (%,.0f–%,.0f) | %.2f (%.2f–%.2f) |%n", label(c),
          median(rounds, c, Round::rate), min(rounds, c, Round::rate), max(rounds, c, Round::rate),
          median(rounds, c, Round::cpuMicrosPerRecord), min(rounds, c, Round::cpuMicrosPerRecord),
          max(rounds, c, Round::cpuMicrosPerRecord)));
    }
    double rateVsRaw = median(rounds, SDK, Round::rate) / median(rounds, RAW, Round::rate);
    double rateVsPipelined = median(rounds, SDK, Round::rate) / median(rounds, PIPELINED, Round::rate);
    double cpuVsRaw = median(rounds, SDK, Round::cpuMicrosPerRecord) / median(rounds, RAW, Round::cpuMicrosPerRecord);
    double cpuVsPipelined = median(rounds, SDK, Round::cpuMicrosPerRecord)
        / median(rounds, PIPELINED, Round::cpuMicrosPerRecord);
    sb.append(String.format(Locale.ROOT, "%n**SDK / serial raw: %.0f %% of the records/s at %.0f %% of the CPU per"
            + " record. SDK / pipelined raw: %.0f %% of the records/s at %.0f %% of the CPU per record.** Goal: SDK"
            + " median records/s >= 90 %% of the serial raw loop's: %s.%n", 100 * rateVsRaw, 100 * cpuVsRaw,
        100 * rateVsPipelined, 100 * cpuVsPipelined, rateVsRaw >= 0.9 ? "met" : "NOT met"));
    sb.append("""

        The SDK pipelines: its poll thread owns the consumer and hands records to a processing lane (one by
        default), so polling and processing overlap on two threads. The serial raw loop does everything on one
        thread; the pipelined raw loop is the fair comparison for the same shape (a queue of 4 batches between a
        poll thread and one processing thread, processed offsets committed from the poll thread every second). With
        a no-op function the time goes to the Kafka client and to handing records between threads; single rounds
        vary by up to 2-3x on a loaded machine, so read the medians and the CPU per record, not a single round.

        Every round, in the order run:

        | round | contender | records | seconds | records/s | CPU µs/record |
        |---|---|---|---|---|---|
        """);
    for (Round r : rounds) {
      sb.append(String.format(Locale.ROOT, "| %d | %s | %,d | %.2f | %,.0f | %.2f |%n", r.round(), r.contender(),
          r.records(), r.seconds(), r.rate(), r.cpuMicrosPerRecord()));
    }
    sb.append("\nReproduce: `./ebb bench-sdk` (see `--help`).\n");
    return sb.toString();
  }

  static String orderText(int rounds) {
    StringBuilder b = new StringBuilder();
    for (int r = 1; r <= rounds; r++) {
      b.append(r == 1 ? "" : "; ").append(String.join(", ", order(r, CONTENDERS)));
    }
    return b.toString();
  }

  private static String json(Options o, List<Round> rounds, String loadBefore, String loadAfter) {
    io.vertx.core.json.JsonArray all = new io.vertx.core.json.JsonArray();
    for (Round r : rounds) {
      all.add(new io.vertx.core.json.JsonObject().put("contender", r.contender()).put("round", r.round())
          .put("records", r.records()).put("seconds", Math.round(r.seconds() * 1000) / 1000.0)
          .put("recordsPerSecond", Math.round(r.rate()))
          .put("cpuMicrosPerRecord", Math.round(r.cpuMicrosPerRecord() * 1000) / 1000.0));
    }
    io.vertx.core.json.JsonObject medians = new io.vertx.core.json.JsonObject();
    for (String c : CONTENDERS) {
      medians.put(c, new io.vertx.core.json.JsonObject()
          .put("recordsPerSecond", Math.round(median(rounds, c, Round::rate)))
          .put("recordsPerSecondMin", Math.round(min(rounds, c, Round::rate)))
          .put("recordsPerSecondMax", Math.round(max(rounds, c, Round::rate)))
          .put("cpuMicrosPerRecord", Math.round(median(rounds, c, Round::cpuMicrosPerRecord) * 1000) / 1000.0));
    }
    return new io.vertx.core.json.JsonObject()
        .put("generatedAt", Instant.now().toString())
        .put("records", o.records()).put("partitions", o.partitions()).put("valueBytes", o.valueBytes())
        .put("protocol", o.protocol().name().toLowerCase(Locale.ROOT))
        .put("cpus", Runtime.getRuntime().availableProcessors())
        .put("loadAverageBefore", loadBefore).put("loadAverageAfter", loadAfter)
        .put("order", orderText(o.rounds()))
        .put("medians", medians)
        .put("sdkVsRawRate", median(rounds, SDK, Round::rate) / median(rounds, RAW, Round::rate))
        .put("sdkVsPipelinedRate", median(rounds, SDK, Round::rate) / median(rounds, PIPELINED, Round::rate))
        .put("sdkVsRawCpu", median(rounds, SDK, Round::cpuMicrosPerRecord)
            / median(rounds, RAW, Round::cpuMicrosPerRecord))
        .put("rounds", all).encodePrettily() + "\n";
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
