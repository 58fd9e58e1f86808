package dev.ebb.bench.scale;

import dev.ebb.bench.demo.CommandRunner;
import dev.ebb.bench.demo.DurationConverter;
import dev.ebb.scaler.cli.Cli;
import dev.ebb.scaler.k8s.KubernetesScalerService;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.testkit.KafkaBroker;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Ebb at scale: N ScaledWorkloads (and N Deployments) in fabric8's mock API server (CRUD mode, in a child JVM) over
 * N consumer groups on one testkit broker, served by the real {@link KubernetesScalerService} (informer catalog,
 * leader election, the loop, scale target, status and Events) in this JVM for a few minutes. Measures the scaler
 * JVM's heap after GC, the poll cycle time, the API requests per second by kind and the decisions per second.
 * Writes {@code scale.md} and {@code scale.json}.
 *
 * <p>The run itself is here; the workloads and groups it scales are {@link ScaleFixtures}, its measurements
 * {@link ScaleProbes}, the mock API server's child JVM {@link MockApi} and the report {@link ScaleReport}.
 */
public final class ScaleBenchmark {

    @Command(name = "ebb bench-scale", description = {"N ScaledWorkloads in fabric8's mock API server (CRUD mode) "
        + "over N groups on one testkit broker, served by the real scaler service (1 s tick) for --minutes. Writes "
        + "scale.md and scale.json.", ""})
    static final class Spec {
        @Option(names = "--workloads", paramLabel = "N", description = "ScaledWorkloads, Deployments and consumer "
                + "groups (default 3000)")
        int workloads = 3000;
        @Option(names = "--minutes", paramLabel = "N", description = "how long the scaler runs after the first poll "
                + "(default 10)")
        int minutes = 10;
        @Option(names = "--warmup", paramLabel = "D", converter = DurationConverter.class, description = "left out of "
                + "the steady-state numbers (first scale-ups; default 60s)")
        Duration warmup = Duration.ofSeconds(60);
        @Option(names = "--topics", paramLabel = "N", description = "topics the groups are spread over (default 100)")
        int topics = 100;
        @Option(names = "--partitions", paramLabel = "N", description = "partitions per topic (default 10)")
        int partitions = 10;
        @Option(names = "--namespaces", paramLabel = "N", description = "namespaces the workloads are spread over "
                + "(default 10)")
        int namespaces = 10;
        @Option(names = "--arrivals", paramLabel = "N", description = "records/s produced across all topics while "
                + "running (default 200)")
        int arrivals = 200;
        @Option(names = "--out", paramLabel = "DIR", description = "where scale.md/json go (default "
                + "benchmarks/results)")
        Path out = Path.of("benchmarks", "results");

        Options check() {
            List<String> problems = new ArrayList<>();
            Map<String, Integer> atLeastOne = new LinkedHashMap<>();
            atLeastOne.put("--workloads", workloads);
            atLeastOne.put("--minutes", minutes);
            atLeastOne.put("--topics", topics);
            atLeastOne.put("--partitions", partitions);
            atLeastOne.put("--namespaces", namespaces);
            atLeastOne.forEach((name, n) -> {
                if (n < 1) {
                    problems.add("Invalid value " + n + " for " + name + ": must be >= 1");
                }
            });
            if (arrivals < 0) {
                problems.add("Invalid value " + arrivals + " for --arrivals: must be >= 0");
            }
            if (problems.isEmpty() && warmup.toSeconds() >= minutes * 60L) {
                problems.add("Invalid value " + warmup.toSeconds() + "s for --warmup: must be shorter than --minutes ("
                        + minutes + " min)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            return new Options(workloads, minutes, warmup, topics, partitions, namespaces, arrivals, out);
        }
    }

    static final long HEAP_GOAL_BYTES = 256L * 1024 * 1024;
    static final Duration TICK = Duration.ofSeconds(1);

    private ScaleBenchmark() {
    }

    record Options(int workloads, int minutes, Duration warmup, int topics, int partitions, int namespaces,
                   int arrivals, Path out) {
    }

    /** One sample a second: cumulative counters at that moment. */
    record Sample(double atSeconds, double decisions, double scaleChanges, long polls, double pollSeconds,
                  long pollsWithinTick, Map<RequestKind, Long> requests, long heapUsed, boolean leading) {
    }

    /** CPU seconds used while the scaler ran, by JVM. */
    record CpuSplit(double scaler, double mockApi, double broker) {
        static final CpuSplit UNKNOWN = new CpuSplit(Double.NaN, Double.NaN, Double.NaN);

        CpuSplit minus(CpuSplit before) {
            return new CpuSplit(scaler - before.scaler, mockApi - before.mockApi, broker - before.broker);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandRunner.run("bench-scale", args, out, err, ScaleBenchmark::parse, ScaleBenchmark::execute);
    }

    static Options parse(String[] args) {
        return Cli.parse(new Spec(), args, Spec::check);
    }

    static int execute(Options o, PrintStream out) throws Exception {
        String loadBefore = loadAverage();
        Instant began = Instant.now();
        Map<String, String> brokerSettings = Map.of("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        out.println("Starting a Kafka broker and the mock API server (child JVMs) ...");
        try (KafkaBroker broker = KafkaBroker.start(brokerSettings); MockApi api = MockApi.start()) {
            List<String> topics = new ArrayList<>();
            for (int t = 0; t < o.topics(); t++) {
                topics.add(String.format(Locale.ROOT, "scale-%03d", t));
            }
            try (Admin admin = Admin.create(broker.clientConfig())) {
                for (int i = 0; i < topics.size(); i += 20) {
                    admin.createTopics(topics.subList(i, Math.min(i + 20, topics.size())).stream()
                            .map(t -> new NewTopic(t, o.partitions(), (short) 1)).toList()).all().get();
                }
                Map<TopicPartition, Long> ends = ScaleFixtures.produceSome(broker, topics, o.partitions());
                ScaleFixtures.commitHalfWay(admin, o, topics, ends);
            }
            out.printf(Locale.ROOT, "Kafka ready: %d topics x %d partitions, %,d groups with lag (%.0f s)%n",
                    o.topics(), o.partitions(), o.workloads(), secondsSince(began));

            Vertx vertx = Vertx.vertx();
            Config config = new ConfigBuilder().withMasterUrl(api.url()).withTrustCerts(true).withNamespace("default")
                    .withRequestTimeout(60_000).build();
            try (KubernetesClient setup = new KubernetesClientBuilder().withConfig(config).build()) {
                ScaleFixtures.createWorkloads(setup, o, broker.bootstrapServers(), topics);
            }
            out.printf(Locale.ROOT, "Created %,d Deployments and %,d ScaledWorkloads in %d namespaces (%.0f s)%n",
                    o.workloads(), o.workloads(), o.namespaces(), secondsSince(began));
            Map<RequestKind, Long> beforeScaler = api.stats();

            long heapBefore = ScaleProbes.heapAfterGc().afterGc();
            KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
                    .withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build();
            KubernetesScalerService service = new KubernetesScalerService(vertx, client,
                    (key, cfg) -> new KafkaAdminLagSource(cfg), Clock.systemUTC(),
                    KubernetesScalerService.Settings.defaults("ebb-system", "bench-scale").withPort(-1)
                            .withTick(TICK));
            Instant start = Instant.now();
            CpuSplit cpuBefore = ScaleProbes.cpu();
            service.start().await(60, TimeUnit.SECONDS);
            Duration firstPoll = null;
            List<Sample> samples = new ArrayList<>();
            List<ScaleProbes.HeapReading> heapAfterGcSamples = new ArrayList<>();
            ScaleFixtures.Trickle trickle = new ScaleFixtures.Trickle(broker, topics, o.arrivals());
            String aborted = null;
            try {
                trickle.start();
                long runNanos = TimeUnit.MINUTES.toNanos(o.minutes());
                long t0 = System.nanoTime();
                long nextGc = t0 + TimeUnit.SECONDS.toNanos(30);
                long next = t0;
                while (System.nanoTime() - t0 < runNanos) {
                    next += TimeUnit.SECONDS.toNanos(1);
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    }
                    if (firstPoll == null && service.loop().firstPollCompleted()) {
                        firstPoll = Duration.between(start, Instant.now());
                    }
                    try {
                        samples.add(ScaleProbes.sample(service, api, (System.nanoTime() - t0) / 1e9));
                    } catch (IOException e) {
                        aborted = String.format(Locale.ROOT, "after %.0f s: %s", (System.nanoTime() - t0) / 1e9,
                                e.getMessage());
                        out.println("Stopping early " + aborted);
                        break;
                    }
                    if (samples.size() >= 2) {
                        Sample s = samples.get(samples.size() - 1);
                        Sample p = samples.get(samples.size() - 2);
                        double mean = s.polls() == p.polls() ? 0
                                : (s.pollSeconds() - p.pollSeconds()) / (s.polls() - p.polls());
                        if (mean > TICK.toMillis() / 1000.0) {
                            // For reading next to a GC log: its times are the JVM's uptime.
                            out.printf(Locale.ROOT, "  %3.0f s (JVM uptime %.1f s): polls ending this second took "
                                            + "%.2f s on average%n", s.atSeconds(),
                                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0,
                                    mean);
                        }
                    }
                    if (System.nanoTime() >= nextGc) {
                        heapAfterGcSamples.add(ScaleProbes.heapAfterGc());
                        nextGc = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    }
                    if (samples.size() % 30 == 0) {
                        Sample s = samples.get(samples.size() - 1);
                        out.printf(Locale.ROOT, "  %3.0f s: %,.0f decisions, %,d polls (%.2f s mean), %,d API "
                                        + "requests, heap %,d MiB%n", s.atSeconds(), s.decisions(), s.polls(),
                                s.polls() == 0 ? 0 : s.pollSeconds() / s.polls(),
                                s.requests().values().stream().mapToLong(Long::longValue).sum(),
                                s.heapUsed() / (1024 * 1024));
                    }
                }
                heapAfterGcSamples.add(ScaleProbes.heapAfterGc());
            } finally {
                trickle.close();
            }
            long rss = ScaleProbes.rssBytes();
            CpuSplit cpuUsed = ScaleProbes.cpu().minus(cpuBefore);
            int scaled = aborted == null ? ScaleFixtures.countScaled(client, o) : -1;
            service.close();
            client.close();
            try {
                vertx.close().await(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // The measurement is complete; a slow Vert.x shutdown on a loaded machine must not lose it.
                System.err.println("Vert.x still closing after 30 s; writing the results anyway");
            }
            if (samples.size() < 2) {
                throw new IllegalStateException("no measurement: stopped " + aborted);
            }
            Result r = result(o, samples, heapBefore, heapAfterGcSamples, rss, firstPoll, scaled, beforeScaler,
                    loadBefore, loadAverage(), Duration.between(began, Instant.now()), cpuUsed)
                    .withAborted(aborted);
            Files.createDirectories(o.out());
            String md = ScaleReport.markdown(r);
            Files.writeString(o.out().resolve("scale.md"), md);
            Files.writeString(o.out().resolve("scale.json"), ScaleReport.json(r).encodePrettily() + "\n");
            out.println();
            out.print(md);
            out.println("Wrote " + o.out().resolve("scale.md") + " and scale.json");
            return 0;
        }
    }

    private static double secondsSince(Instant t) {
        return Duration.between(t, Instant.now()).toMillis() / 1000.0;
    }

    /** The measured numbers, computed from the samples. */
    record Result(Options options, int samples, Duration firstPoll, long heapBeforeScaler, long heapAfterGcMax,
                  long heapAfterGcLast, long heapInUseShortlyMax, long rssBytes, double pollMedianSeconds,
                  double pollP99Seconds,
                  double pollMaxSecondsPerSecond, double pollMeanSeconds, double pollsPerSecond,
                  double fractionWithinTick, double decisionsPerSecond, double scaleChangesTotal,
                  double apiRequestsPerSecond, Map<RequestKind, Double> apiPerSecondByKind,
                  Map<RequestKind, Long> setupRequests, int workloadsScaled, String loadBefore, String loadAfter,
                  Duration wallClock, double leadingFraction, CpuSplit cpu, String aborted) {

        Result(Options options, int samples, Duration firstPoll, long heapBeforeScaler, long heapAfterGcMax,
               long heapAfterGcLast, long heapInUseShortlyMax, long rssBytes, double pollMedianSeconds,
               double pollP99Seconds,
               double pollMaxSecondsPerSecond, double pollMeanSeconds, double pollsPerSecond,
               double fractionWithinTick, double decisionsPerSecond, double scaleChangesTotal,
               double apiRequestsPerSecond, Map<RequestKind, Double> apiPerSecondByKind,
               Map<RequestKind, Long> setupRequests, int workloadsScaled, String loadBefore, String loadAfter,
               Duration wallClock, double leadingFraction, CpuSplit cpu) {
            this(options, samples, firstPoll, heapBeforeScaler, heapAfterGcMax, heapAfterGcLast, heapInUseShortlyMax,
                    rssBytes,
                    pollMedianSeconds, pollP99Seconds, pollMaxSecondsPerSecond, pollMeanSeconds, pollsPerSecond,
                    fractionWithinTick, decisionsPerSecond, scaleChangesTotal, apiRequestsPerSecond,
                    apiPerSecondByKind, setupRequests, workloadsScaled, loadBefore, loadAfter, wallClock,
                    leadingFraction, cpu, null);
        }

        Result withAborted(String reason) {
            return new Result(options, samples, firstPoll, heapBeforeScaler, heapAfterGcMax, heapAfterGcLast,
                    heapInUseShortlyMax, rssBytes, pollMedianSeconds, pollP99Seconds, pollMaxSecondsPerSecond,
                    pollMeanSeconds,
                    pollsPerSecond, fractionWithinTick, decisionsPerSecond, scaleChangesTotal, apiRequestsPerSecond,
                    apiPerSecondByKind, setupRequests, workloadsScaled, loadBefore, loadAfter, wallClock,
                    leadingFraction, cpu, reason);
        }
    }

    static Result result(Options o, List<Sample> samples, long heapBefore, List<ScaleProbes.HeapReading> heapAfterGc,
                         long rss,
                         Duration firstPoll, int scaled, Map<RequestKind, Long> setupRequests, String loadBefore,
                         String loadAfter, Duration wallClock, CpuSplit cpu) {
        double warm = o.warmup().toMillis() / 1000.0;
        List<Sample> steady = samples.stream().filter(s -> s.atSeconds() >= warm).toList();
        if (steady.size() < 2) {
            steady = samples;
        }
        Sample first = steady.get(0);
        Sample last = steady.get(steady.size() - 1);
        double span = Math.max(1e-9, last.atSeconds() - first.atSeconds());
        // Per-second mean poll time: the seconds in which at least one poll ended.
        List<Double> perSecond = new ArrayList<>();
        for (int i = 1; i < steady.size(); i++) {
            long polls = steady.get(i).polls() - steady.get(i - 1).polls();
            if (polls > 0) {
                perSecond.add((steady.get(i).pollSeconds() - steady.get(i - 1).pollSeconds()) / polls);
            }
        }
        List<Double> sorted = perSecond.stream().sorted().toList();
        long polls = last.polls() - first.polls();
        double pollSeconds = last.pollSeconds() - first.pollSeconds();
        Map<RequestKind, Double> byKind = new EnumMap<>(RequestKind.class);
        double total = 0;
        for (RequestKind k : RequestKind.values()) {
            double rate = (last.requests().getOrDefault(k, 0L) - first.requests().getOrDefault(k, 0L)) / span;
            byKind.put(k, rate);
            total += rate;
        }
        return new Result(o, samples.size(), firstPoll, heapBefore,
                heapAfterGc.stream().mapToLong(ScaleProbes.HeapReading::afterGc).max().orElse(0),
                heapAfterGc.isEmpty() ? 0 : heapAfterGc.get(heapAfterGc.size() - 1).afterGc(),
                heapAfterGc.stream().mapToLong(ScaleProbes.HeapReading::inUseShortly).max().orElse(0), rss,
                percentile(sorted, 50), percentile(sorted, 99),
                sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1),
                polls == 0 ? Double.NaN : pollSeconds / polls, polls / span,
                polls == 0 ? Double.NaN : (double) (last.pollsWithinTick() - first.pollsWithinTick()) / polls,
                (last.decisions() - first.decisions()) / span, last.scaleChanges(), total, byKind, setupRequests,
                scaled, loadBefore, loadAfter, wallClock,
                steady.stream().filter(Sample::leading).count() / (double) steady.size(), cpu);
    }

    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank)));
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
