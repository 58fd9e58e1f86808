package dev.ebb.bench.scale;

import dev.ebb.bench.demo.CommandRunner;
import dev.ebb.bench.demo.DemoOptions;
import dev.ebb.bench.demo.DurationConverter;
import dev.ebb.scaler.cli.Cli;
import dev.ebb.scaler.k8s.KubernetesScalerService;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.testkit.KafkaBroker;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Ebb at scale: N ScaledWorkloads (and N Deployments) in fabric8's mock API server (CRUD mode, in a child JVM) over
 * N consumer groups on one testkit broker, served by the real {@link KubernetesScalerService} (informer catalog,
 * leader election, the loop, scale target, status and Events) in this JVM for a few minutes. Measures the scaler
 * JVM's heap after GC, the poll cycle time, the API requests per second by kind and the decisions per second.
 * Writes {@code scale.md} and {@code scale.json}.
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
                Map<TopicPartition, Long> ends = produceSome(broker, topics, o.partitions());
                commitHalfWay(admin, o, topics, ends);
            }
            out.printf(Locale.ROOT, "Kafka ready: %d topics x %d partitions, %,d groups with lag (%.0f s)%n",
                    o.topics(), o.partitions(), o.workloads(), secondsSince(began));

            Vertx vertx = Vertx.vertx();
            Config config = new ConfigBuilder().withMasterUrl(api.url()).withTrustCerts(true).withNamespace("default")
                    .withRequestTimeout(60_000).build();
            try (KubernetesClient setup = new KubernetesClientBuilder().withConfig(config).build()) {
                createWorkloads(setup, o, broker.bootstrapServers(), topics);
            }
            out.printf(Locale.ROOT, "Created %,d Deployments and %,d ScaledWorkloads in %d namespaces (%.0f s)%n",
                    o.workloads(), o.workloads(), o.namespaces(), secondsSince(began));
            Map<RequestKind, Long> beforeScaler = api.stats();

            long heapBefore = heapAfterGc();
            KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
                    .withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build();
            KubernetesScalerService service = new KubernetesScalerService(vertx, client,
                    (key, cfg) -> new KafkaAdminLagSource(cfg), Clock.systemUTC(),
                    KubernetesScalerService.Settings.defaults("ebb-system", "bench-scale").withPort(-1)
                            .withTick(TICK));
            Instant start = Instant.now();
            CpuSplit cpuBefore = cpu();
            service.start().await(60, TimeUnit.SECONDS);
            Duration firstPoll = null;
            List<Sample> samples = new ArrayList<>();
            List<Long> heapAfterGcSamples = new ArrayList<>();
            Trickle trickle = new Trickle(broker, topics, o.arrivals());
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
                        samples.add(sample(service, api, (System.nanoTime() - t0) / 1e9));
                    } catch (IOException e) {
                        aborted = String.format(Locale.ROOT, "after %.0f s: %s", (System.nanoTime() - t0) / 1e9,
                                e.getMessage());
                        out.println("Stopping early " + aborted);
                        break;
                    }
                    if (System.nanoTime() >= nextGc) {
                        heapAfterGcSamples.add(heapAfterGc());
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
                heapAfterGcSamples.add(heapAfterGc());
            } finally {
                trickle.close();
            }
            long rss = rssBytes();
            CpuSplit cpuUsed = cpu().minus(cpuBefore);
            int scaled = aborted == null ? countScaled(client, o) : -1;
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
            String md = markdown(r);
            Files.writeString(o.out().resolve("scale.md"), md);
            Files.writeString(o.out().resolve("scale.json"), json(r).encodePrettily() + "\n");
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
                  long heapAfterGcLast, long rssBytes, double pollMedianSeconds, double pollP99Seconds,
                  double pollMaxSecondsPerSecond, double pollMeanSeconds, double pollsPerSecond,
                  double fractionWithinTick, double decisionsPerSecond, double scaleChangesTotal,
                  double apiRequestsPerSecond, Map<RequestKind, Double> apiPerSecondByKind,
                  Map<RequestKind, Long> setupRequests, int workloadsScaled, String loadBefore, String loadAfter,
                  Duration wallClock, double leadingFraction, CpuSplit cpu, String aborted) {

        Result(Options options, int samples, Duration firstPoll, long heapBeforeScaler, long heapAfterGcMax,
               long heapAfterGcLast, long rssBytes, double pollMedianSeconds, double pollP99Seconds,
               double pollMaxSecondsPerSecond, double pollMeanSeconds, double pollsPerSecond,
               double fractionWithinTick, double decisionsPerSecond, double scaleChangesTotal,
               double apiRequestsPerSecond, Map<RequestKind, Double> apiPerSecondByKind,
               Map<RequestKind, Long> setupRequests, int workloadsScaled, String loadBefore, String loadAfter,
               Duration wallClock, double leadingFraction, CpuSplit cpu) {
            this(options, samples, firstPoll, heapBeforeScaler, heapAfterGcMax, heapAfterGcLast, rssBytes,
                    pollMedianSeconds, pollP99Seconds, pollMaxSecondsPerSecond, pollMeanSeconds, pollsPerSecond,
                    fractionWithinTick, decisionsPerSecond, scaleChangesTotal, apiRequestsPerSecond,
                    apiPerSecondByKind, setupRequests, workloadsScaled, loadBefore, loadAfter, wallClock,
                    leadingFraction, cpu, null);
        }

        Result withAborted(String reason) {
            return new Result(options, samples, firstPoll, heapBeforeScaler, heapAfterGcMax, heapAfterGcLast,
                    rssBytes, pollMedianSeconds, pollP99Seconds, pollMaxSecondsPerSecond, pollMeanSeconds,
                    pollsPerSecond, fractionWithinTick, decisionsPerSecond, scaleChangesTotal, apiRequestsPerSecond,
                    apiPerSecondByKind, setupRequests, workloadsScaled, loadBefore, loadAfter, wallClock,
                    leadingFraction, cpu, reason);
        }
    }

    static Result result(Options o, List<Sample> samples, long heapBefore, List<Long> heapAfterGc, long rss,
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
                heapAfterGc.stream().mapToLong(Long::longValue).max().orElse(0),
                heapAfterGc.isEmpty() ? 0 : heapAfterGc.get(heapAfterGc.size() - 1), rss,
                percentile(sorted, 50), percentile(sorted, 99),
                sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1),
                polls == 0 ? Double.NaN : pollSeconds / polls, polls / span,
                polls == 0 ? Double.NaN : (double) (last.pollsWithinTick() - first.pollsWithinTick()) / polls,
                (last.decisions() - first.decisions()) / span, last.scaleChanges(), total, byKind, setupRequests,
                scaled, loadBefore, loadAfter, wallClock,
                steady.stream().filter(Sample::leading).count() / (double) steady.size(), cpu);
    }

    /** CPU seconds so far of this JVM, the mock API server's and the broker's (this JVM's child processes). */
    static CpuSplit cpu() {
        double self = ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() / 1e9 : Double.NaN;
        double mock = 0;
        double broker = 0;
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            ProcessHandle.Info info = child.info();
            double seconds = info.totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
            String command = info.commandLine().orElse("");
            if (command.contains(MockApiServer.class.getName())) {
                mock += seconds;
            } else if (command.toLowerCase(Locale.ROOT).contains("kafka")) {
                broker += seconds;
            }
        }
        return new CpuSplit(self, mock, broker);
    }

    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank)));
    }

    private static Sample sample(KubernetesScalerService service, MockApi api, double at) throws IOException {
        double decisions = 0;
        double changes = 0;
        long polls = 0;
        double pollSeconds = 0;
        long within = 0;
        for (MetricSnapshot m : service.metrics().registry().scrape()) {
            String name = m.getMetadata().getName();
            if (m instanceof CounterSnapshot c && name.startsWith("ebb_decisions")) {
                decisions += c.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                        .sum();
            } else if (m instanceof CounterSnapshot c && name.startsWith("ebb_scale_changes")) {
                changes += c.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                        .sum();
            } else if (m instanceof HistogramSnapshot h && name.startsWith("ebb_poll_duration")) {
                for (HistogramSnapshot.HistogramDataPointSnapshot d : h.getDataPoints()) {
                    polls += d.getCount();
                    pollSeconds += d.getSum();
                    within += countUpTo(d.getClassicBuckets(), TICK.toMillis() / 1000.0);
                }
            }
        }
        return new Sample(at, decisions, changes, polls, pollSeconds, within, api.stats(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), service.leading());
    }

    /** Observations at or below {@code bound} (the buckets' counts are per bucket, not cumulative). */
    static long countUpTo(ClassicHistogramBuckets buckets, double bound) {
        long n = 0;
        for (int i = 0; i < buckets.size(); i++) {
            if (buckets.getUpperBound(i) <= bound + 1e-9) {
                n += buckets.getCount(i);
            }
        }
        return n;
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private static int countScaled(KubernetesClient client, Options o) {
        int scaled = 0;
        for (int n = 0; n < o.namespaces(); n++) {
            for (Deployment d : client.apps().deployments().inNamespace(namespace(n)).list().getItems()) {
                if (d.getSpec().getReplicas() != null && d.getSpec().getReplicas() > 0) {
                    scaled++;
                }
            }
        }
        return scaled;
    }

    static String namespace(int n) {
        return String.format(Locale.ROOT, "team-%02d", n);
    }

    static String group(int g) {
        return String.format(Locale.ROOT, "scale-group-%05d", g);
    }

    private static Map<TopicPartition, Long> produceSome(KafkaBroker broker, List<String> topics, int partitions) {
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        Map<TopicPartition, Long> ends = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (String t : topics) {
                for (int p = 0; p < partitions; p++) {
                    int n = 10 + Math.floorMod((t + p).hashCode(), 40);
                    for (int i = 0; i < n; i++) {
                        producer.send(new ProducerRecord<>(t, p, null, new byte[16]));
                    }
                    ends.put(new TopicPartition(t, p), (long) n);
                }
            }
            producer.flush();
        }
        return ends;
    }

    /** Group g has committed half-way through every partition of topic g mod T: every group has lag. */
    private static void commitHalfWay(Admin admin, Options o, List<String> topics, Map<TopicPartition, Long> ends)
            throws Exception {
        Semaphore inFlight = new Semaphore(50);
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        for (int g = 0; g < o.workloads(); g++) {
            String topic = topics.get(g % topics.size());
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (int p = 0; p < o.partitions(); p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                offsets.put(tp, new OffsetAndMetadata(ends.get(tp) / 2));
            }
            inFlight.acquire();
            commits.add(admin.alterConsumerGroupOffsets(group(g), offsets).all().toCompletionStage()
                    .toCompletableFuture().whenComplete((v, t) -> inFlight.release()));
        }
        CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    }

    private static void createWorkloads(KubernetesClient client, Options o, String bootstrap, List<String> topics)
            throws Exception {
        for (int n = 0; n < o.namespaces(); n++) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace(n))
                    .endMetadata().build()).create();
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int g = 0; g < o.workloads(); g++) {
                int id = g;
                all.add(CompletableFuture.runAsync(() -> {
                    String ns = namespace(id % o.namespaces());
                    String name = String.format(Locale.ROOT, "fn-%05d", id);
                    client.apps().deployments().inNamespace(ns).resource(deployment(ns, name)).create();
                    client.resources(ScaledWorkload.class).inNamespace(ns).resource(workload(ns, name, bootstrap,
                            group(id), topics.get(id % topics.size()))).create();
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        } finally {
            pool.shutdown();
        }
    }

    private static Deployment deployment(String ns, String name) {
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .addNewContainer().withName("fn").withImage("ebb/example-function:dev").endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    /** A typical workload: drain mode with a 60 s deadline, everything else the defaults. */
    private static ScaledWorkload workload(String ns, String name, String bootstrap, String group, String topic) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec("apps/v1", "Deployment", name));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers(bootstrap);
        kafka.setConsumerGroup(group);
        kafka.setTopics(List.of(topic));
        spec.setKafka(kafka);
        PolicySettings policy = new PolicySettings();
        policy.setMode("drain");
        policy.setDrainWithin("60s");
        policy.setMaxReplicas(10);
        spec.setPolicy(policy);
        sw.setSpec(spec);
        return sw;
    }

    /** A low, steady arrival rate over all topics while the scaler runs, so that rates and lag keep moving. */
    private static final class Trickle implements AutoCloseable {
        private final KafkaBroker broker;
        private final List<String> topics;
        private final int perSecond;
        private Thread thread;
        private volatile boolean stop;

        Trickle(KafkaBroker broker, List<String> topics, int perSecond) {
            this.broker = broker;
            this.topics = topics;
            this.perSecond = perSecond;
        }

        void start() {
            if (perSecond == 0) {
                return;
            }
            thread = new Thread(this::run, "bench-scale-trickle");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            Map<String, Object> config = new HashMap<>(broker.clientConfig());
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.LINGER_MS_CONFIG, 100);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
                long i = 0;
                while (!stop) {
                    for (int n = 0; n < perSecond / 10; n++) {
                        producer.send(new ProducerRecord<>(topics.get((int) (i++ % topics.size())), new byte[16]));
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            if (thread != null) {
                thread.join(10_000);
            }
        }
    }

    /** The mock API server's child JVM. */
    static final class MockApi implements AutoCloseable {
        private final Process process;
        private final BufferedReader in;
        private final Writer toChild;
        private final String url;
        private final Path log;

        private MockApi(Process process, Path log) throws IOException {
            this.process = process;
            this.log = log;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.toChild = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String line;
            String found = null;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("url ")) {
                    found = line.substring(4).trim();
                    break;
                }
            }
            if (found == null) {
                throw new IOException("the mock API server exited before it was up");
            }
            this.url = found;
        }

        static MockApi start() throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx4g", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError",
                    "-Debb.log.level=warn", "-cp", System.getProperty("java.class.path"),
                    MockApiServer.class.getName());
            Path log = Files.createTempFile("ebb-bench-scale-mock-api-", ".log");
            pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new MockApi(pb.start(), log);
        }

        String url() {
            return url;
        }

        synchronized Map<RequestKind, Long> stats() throws IOException {
            toChild.write("stats\n");
            toChild.flush();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("stats ")) {
                    return parseStats(line.substring(6));
                }
            }
            throw new IOException("the mock API server stopped answering (its log: " + log + ")");
        }

        @Override
        public void close() throws Exception {
            toChild.close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static Map<RequestKind, Long> parseStats(String text) {
        Map<RequestKind, Long> counts = new EnumMap<>(RequestKind.class);
        for (String part : text.trim().split(",")) {
            String[] kv = part.split("=");
            if (kv.length == 2) {
                counts.put(RequestKind.valueOf(kv[0].trim()), Long.parseLong(kv[1].trim()));
            }
        }
        return counts;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.0f MiB", bytes / 1024.0 / 1024.0);
    }

    /** A child that exited before the end (or was not found) has no CPU figure: "n/a", not a wrong number. */
    static String cpuText(double seconds) {
        return Double.isNaN(seconds) || seconds <= 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f", seconds);
    }

    static String markdown(Result r) {
        Options o = r.options();
        StringBuilder b = new StringBuilder();
        b.append("# Scale: ").append(String.format(Locale.ROOT, "%,d", o.workloads()))
                .append(" ScaledWorkloads on one scaler\n\n");
        b.append(String.format(Locale.ROOT, "Generated by `dev.ebb.bench.scale.ScaleBenchmark` on %s. %,d "
                        + "ScaledWorkloads and %,d Deployments in %d namespaces of fabric8's mock API server (CRUD mode, "
                        + "in its own JVM), over %,d consumer groups on one testkit Kafka broker (%d topics × %d "
                        + "partitions, each group with lag on one topic, %,d records/s arriving across all topics). "
                        + "The real scaler service (`KubernetesScalerService`: informer catalog, leader election, the "
                        + "loop at a 1 s tick, the scale subresource, status and Events) ran in this JVM for %d min "
                        + "after start; the first %d s (first poll, the first scale-ups) are left out of the rates and "
                        + "poll times. Machine: %d cores shared with other engineers' builds and tests, load average "
                        + "%s before and %s after. Java %s, default heap settings.%n%n",
                Instant.now().toString().substring(0, 16).replace('T', ' '), o.workloads(), o.workloads(),
                o.namespaces(), o.workloads(), o.topics(), o.partitions(), o.arrivals(), o.minutes(),
                o.warmup().toSeconds(), Runtime.getRuntime().availableProcessors(), r.loadBefore(), r.loadAfter(),
                System.getProperty("java.version")));
        if (r.aborted() != null) {
            b.append("**The run stopped early, ").append(r.aborted()).append(".** The numbers below cover the "
                    + "samples taken until then (").append(r.samples()).append(" s).\n\n");
        }
        b.append("| measure | value | goal |\n|---|---|---|\n");
        b.append(String.format(Locale.ROOT, "| heap after GC, highest sample (scaler JVM) | %s | ≤ 256 MiB: %s |%n",
                mib(r.heapAfterGcMax()), r.heapAfterGcMax() <= HEAP_GOAL_BYTES ? "met" : "NOT met"));
        b.append(String.format(Locale.ROOT, "| heap after GC, last sample / before the scaler started | %s / %s | |%n",
                mib(r.heapAfterGcLast()), mib(r.heapBeforeScaler())));
        b.append(String.format(Locale.ROOT, "| resident set size (scaler JVM, end) | %s | |%n", mib(r.rssBytes())));
        b.append(String.format(Locale.ROOT, "| poll cycle: median / p99 / max (per-second means) | %.2f / %.2f / "
                        + "%.2f s | within the 1 s tick: %s |%n", r.pollMedianSeconds(), r.pollP99Seconds(),
                r.pollMaxSecondsPerSecond(), r.pollP99Seconds() <= 1.0 ? "met" : "NOT met"));
        b.append(String.format(Locale.ROOT, "| poll cycle: mean; polls completed per second; polls ≤ 1 s | %.2f s; "
                        + "%.2f/s; %.0f %% | |%n", r.pollMeanSeconds(), r.pollsPerSecond(),
                100 * r.fractionWithinTick()));
        b.append(String.format(Locale.ROOT, "| loop's first lag poll done (its readiness flag) after | %s | |%n",
                r.firstPoll() == null
                ? "not completed" : String.format(Locale.ROOT, "%.1f s", r.firstPoll().toMillis() / 1000.0)));
        b.append(String.format(Locale.ROOT, "| decisions per second (on the leader) | %,.0f | one per workload per "
                + "tick: %,d |%n", r.decisionsPerSecond(), o.workloads()));
        b.append(String.format(Locale.ROOT, "| share of the steady state holding the lease (leader) | %.0f %% | 100 %% "
                + "|%n", 100 * r.leadingFraction()));
        b.append(String.format(Locale.ROOT, "| CPU seconds while the scaler ran: scaler JVM / mock API server / "
                        + "broker | %s / %s / %s s (of %,.0f s × %d cores) | |%n", cpuText(r.cpu().scaler()),
                cpuText(r.cpu().mockApi()), cpuText(r.cpu().broker()), o.minutes() * 60.0,
                Runtime.getRuntime().availableProcessors()));
        b.append(String.format(Locale.ROOT, "| API requests per second (steady state, all kinds) | %,.1f | none per "
                + "tick once informers serve replicas |%n", r.apiRequestsPerSecond()));
        b.append(String.format(Locale.ROOT, "| workloads scaled up from 0 by the end | %s of %,d | all |%n",
                r.workloadsScaled() < 0 ? "not counted (API server gone)"
                        : String.format(Locale.ROOT, "%,d", r.workloadsScaled()), o.workloads()));
        b.append(String.format(Locale.ROOT, "| scale changes sent (whole run) | %,.0f | |%n", r.scaleChangesTotal()));
        b.append("\nAPI requests per second by kind (steady state):\n\n| kind | requests/s |\n|---|---|\n");
        r.apiPerSecondByKind().forEach((k, v) -> {
            if (v > 0) {
                b.append(String.format(Locale.ROOT, "| %s | %,.2f |%n", k.text(), v));
            }
        });
        b.append(String.format(Locale.ROOT, """

                How it is measured: heap after GC is sampled every 60 s (and at the end) after `System.gc()`, in
                the scaler's JVM; the mock API server and the broker run in their own JVMs, so neither is counted.
                Poll cycle times come from the scaler's own `ebb_poll_duration_seconds` histogram (time to observe,
                decide and act for all due workloads of one Kafka cluster), read every second: the per-second means
                give the median and p99, the histogram's buckets the share of polls within 1 s. Decisions come from
                `ebb_decisions_total`. API requests are counted by the mock API server as it receives them.

                What this does not show: the mock answers from memory, without etcd, admission or API priority and
                fairness, so a real API server answers slower and may throttle. Current replicas come from
                informers (one watch of Deployments per namespace), so no request is sent per workload per tick;
                what remains are writes caused by changes (status, Events, scale). KEDA's reference point, their number not ours: about 35 GiB of
                memory for about 3,000 Kafka ScaledObjects (KEDA issue #7453); it was not measured here.
                Re-run: `./ebb bench-scale` (%d min by default; `--help` for the options). This run took %.0f min
                in all, setup included.
                """, 10, r.wallClock().toSeconds() / 60.0));
        return b.toString();
    }

    static JsonObject json(Result r) {
        Options o = r.options();
        JsonObject byKind = new JsonObject();
        r.apiPerSecondByKind().forEach((k, v) -> byKind.put(k.name(), Math.round(v * 100) / 100.0));
        JsonObject setup = new JsonObject();
        r.setupRequests().forEach((k, v) -> setup.put(k.name(), v));
        return new JsonObject()
                .put("generatedAt", Instant.now().toString())
                .put("workloads", o.workloads())
                .put("namespaces", o.namespaces())
                .put("topics", o.topics())
                .put("partitionsPerTopic", o.partitions())
                .put("arrivalsPerSecond", o.arrivals())
                .put("minutes", o.minutes())
                .put("warmupSeconds", o.warmup().toSeconds())
                .put("tickSeconds", TICK.toSeconds())
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("loadAverageBefore", r.loadBefore())
                .put("loadAverageAfter", r.loadAfter())
                .put("heapAfterGcMaxBytes", r.heapAfterGcMax())
                .put("heapAfterGcLastBytes", r.heapAfterGcLast())
                .put("heapBeforeScalerBytes", r.heapBeforeScaler())
                .put("heapGoalBytes", HEAP_GOAL_BYTES)
                .put("rssBytes", r.rssBytes())
                .put("pollMedianSeconds", round3(r.pollMedianSeconds()))
                .put("pollP99Seconds", round3(r.pollP99Seconds()))
                .put("pollMaxSeconds", round3(r.pollMaxSecondsPerSecond()))
                .put("pollMeanSeconds", round3(r.pollMeanSeconds()))
                .put("pollsPerSecond", round3(r.pollsPerSecond()))
                .put("fractionOfPollsWithinTick", round3(r.fractionWithinTick()))
                .put("firstPollSeconds", r.firstPoll() == null ? null : r.firstPoll().toMillis() / 1000.0)
                .put("decisionsPerSecond", round3(r.decisionsPerSecond()))
                .put("scaleChangesTotal", r.scaleChangesTotal())
                .put("apiRequestsPerSecond", round3(r.apiRequestsPerSecond()))
                .put("apiRequestsPerSecondByKind", byKind)
                .put("setupRequests", setup)
                .put("workloadsScaled", r.workloadsScaled())
                .put("samples", r.samples())
                .put("aborted", r.aborted())
                .put("leadingFraction", round3(r.leadingFraction()))
                .put("cpuSecondsScaler", round3(r.cpu().scaler()))
                .put("cpuSecondsMockApi", r.cpu().mockApi() > 0 ? round3(r.cpu().mockApi()) : null)
                .put("cpuSecondsBroker", r.cpu().broker() > 0 ? round3(r.cpu().broker()) : null)
                .put("wallClockSeconds", r.wallClock().toSeconds())
                .put("kedaReference", "about 35 GiB for about 3,000 Kafka ScaledObjects (KEDA issue #7453), "
                        + "KEDA's number, not measured here");
    }

    private static Double round3(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
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
