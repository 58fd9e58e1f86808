package dev.ebb.bench.apirate;

import dev.ebb.bench.demo.DurationConverter;
import dev.ebb.scaler.cli.Cli;
import dev.ebb.scaler.k8s.KubernetesScalerService;
import dev.ebb.scaler.crd.ScaledWorkloadCrd;
import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.LagSource;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Kubernetes API requests per second of one scaler serving many ScaledWorkloads: the real scaler service (catalog
 * informer, leader election, loop, scale target, status and Events) against fabric8's mock API server in CRUD mode,
 * which counts every request it receives by kind. Lag is synthetic (a slow wave per group, so replicas change now and
 * then): this measures the Kubernetes side only, not Kafka. Writes {@code api-requests.md}.
 *
 * <p>A command, not a test: nothing is asserted. The mock API server is not a real one (no etcd, no admission, no
 * watch cache); what is comparable is the number of requests, not their latency.
 */
public final class ApiRateBenchmark {

    @Command(name = "ebb bench-api-rate", description = {"Kubernetes API requests/s of one scaler with N "
        + "ScaledWorkloads (fabric8's mock API server). Writes api-requests.md under --out.", ""})
    static final class Spec {
        @Option(names = "--workloads", paramLabel = "N", description = "ScaledWorkloads (default 1000)")
        int workloads = 1000;
        @Option(names = "--seconds", paramLabel = "N", description = "how long the scaler runs (default 30)")
        int seconds = 30;
        @Option(names = "--tick", paramLabel = "D", converter = DurationConverter.class, description = "the scaler's "
                + "tick (default 1s)")
        Duration tick = Duration.ofSeconds(1);
        @Option(names = "--out", paramLabel = "DIR", description = "default benchmarks/results")
        Path out = Path.of("benchmarks/results");

        Spec check() {
            List<String> problems = new ArrayList<>();
            if (workloads < 1) {
                problems.add("Invalid value " + workloads + " for --workloads: must be >= 1");
            }
            if (seconds < 1) {
                problems.add("Invalid value " + seconds + " for --seconds: must be >= 1");
            }
            if (tick.isZero() || tick.isNegative()) {
                problems.add("Invalid value " + tick + " for --tick: must be > 0");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            return this;
        }
    }

    private ApiRateBenchmark() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run("bench-api-rate", args, out, err, a -> Cli.parse(new Spec(), a, Spec::check),
                spec -> execute(spec.workloads, spec.seconds, spec.tick, spec.out, out, err));
    }

    private static int execute(int workloads, int seconds, Duration tick, Path dir, PrintStream out, PrintStream err) {
        try {
            Result r = measure(workloads, seconds, tick, out);
            String md = r.markdown();
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("api-requests.md"), md);
            out.println(md);
            out.println("Wrote " + dir.resolve("api-requests.md"));
            return 0;
        } catch (Exception e) {
            err.println("bench-api-rate failed: " + e);
            return 1;
        }
    }

    /** Counts requests by a readable category while {@link #measuring} is on. */
    static final class CountingDispatcher extends KubernetesCrudDispatcher {
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        volatile boolean measuring;

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            MockResponse response = super.dispatch(request);
            if (measuring) {
                String category = category(request.getMethod(), request.getPath());
                if (response.code() >= 400) {
                    category += " (" + response.code() + ")";
                }
                counts.computeIfAbsent(category, k -> new AtomicLong()).incrementAndGet();
            }
            return response;
        }

        static String category(String method, String path) {
            String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            String what;
            if (p.endsWith("/scale")) {
                what = "scale subresource";
            } else if (p.endsWith("/status")) {
                what = "ScaledWorkload status";
            } else if (p.contains("/leases")) {
                what = "Lease";
            } else if (p.contains("/events")) {
                what = "Event";
            } else if (p.contains("/deployments")) {
                what = "Deployments";
            } else if (p.contains("/scaledworkloads")) {
                what = "ScaledWorkloads";
            } else if (p.contains("/horizontalpodautoscalers")) {
                what = "HorizontalPodAutoscalers";
            } else {
                what = p;
            }
            String verb = method;
            if ("GET".equals(method)) {
                verb = path.contains("watch=true") ? "WATCH" : p.matches(".*/namespaces/[^/]+/[^/]+$")
                        || p.matches(".*/apis?/[^/]+(/[^/]+)?/[^/]+$") ? "LIST" : "GET";
            }
            return verb + " " + what;
        }
    }

    record Result(int workloads, int seconds, Duration tick, Map<String, Long> counts, long scaleChanges,
                  double loadAverage, int cpus) {
        long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        String markdown() {
            StringBuilder b = new StringBuilder();
            b.append("# Kubernetes API requests of one scaler\n\n");
            b.append(String.format(Locale.ROOT, "%,d ScaledWorkloads (one Deployment each, one namespace), tick %s, "
                    + "measured for %d s after the informers synced, the finalizers were added and a warm-up; "
                    + "fabric8's mock API server in CRUD "
                    + "mode counting every request (`./ebb bench-api-rate`). Lag is synthetic: a slow wave per group, "
                    + "so replicas change now and then (%,d scale changes in the window).%n%n", workloads,
                    tick.toMillis() + " ms", seconds, scaleChanges));
            b.append(String.format(Locale.ROOT, "Machine: %d CPUs, load average %.1f at the end of the window "
                    + "(shared with other work; the mock API server, the scaler and this counter run in one JVM).%n%n",
                    cpus, loadAverage));
            b.append(String.format(Locale.ROOT, "**Total: %.1f requests/s** (%.3f per workload per second).%n%n",
                    total() / (double) seconds, total() / (double) seconds / workloads));
            b.append("| Request | Count | Per second |\n|---|---:|---:|\n");
            new TreeMap<>(counts).forEach((k, v) -> b.append(String.format(Locale.ROOT, "| %s | %,d | %.2f |%n", k, v,
                    v / (double) seconds)));
            b.append("\nA `(409)` is a scale PATCH refused by its resourceVersion precondition: under load a PATCH "
                    + "can time out on the client after the server applied it; its retry then carries a stale "
                    + "version and is refused, and the next poll reads the new state.\n");
            b.append("\nBefore informers (a `GET .../scale` per workload per tick, and another before each PATCH), "
                    + "the same scaler sent about 975 requests/s with 1,000 workloads on a real API server "
                    + "(issue 10). Now current replicas come from one watch of Deployments per namespace; a PATCH "
                    + "of `.../scale` is sent only when the count changes, and each scale change also writes two "
                    + "Events and, coalesced, the status.\n\n");
            b.append("Not measured here: a real API server's latency and its priority-and-fairness limits; the "
                    + "Kafka side (see lag-poll.md).\n");
            return b.toString();
        }
    }

    static Result measure(int workloads, int seconds, Duration tick, PrintStream out) throws Exception {
        // The mock logs every request at INFO: with thousands a second that would be the benchmark.
        java.util.logging.Logger.getLogger(MockWebServer.class.getName()).setLevel(java.util.logging.Level.WARNING);
        CountingDispatcher dispatcher = new CountingDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init();
        Vertx vertx = Vertx.vertx();
        KubernetesClient client = server.createClient(new Vertx5HttpClientFactory(vertx));
        KubernetesScalerService scaler = null;
        try {
            Path crdDir = Files.createTempDirectory("ebb-crd");
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                    .load(ScaledWorkloadCrd.generate(crdDir).toFile()).item();
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
            String ns = "bench";
            out.printf("Creating %,d Deployments and ScaledWorkloads...%n", workloads);
            for (int i = 0; i < workloads; i++) {
                String name = "fn-" + i;
                client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata()
                        .withName(name).withNamespace(ns).endMetadata().withNewSpec().withReplicas(1)
                        .withNewSelector().addToMatchLabels("app", name).endSelector().withNewTemplate()
                        .withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec().addNewContainer()
                        .withName("fn").withImage("fn:1").endContainer().endSpec().endTemplate().endSpec().build())
                        .create();
                client.resources(ScaledWorkload.class).inNamespace(ns).resource(workload(ns, name, i)).create();
            }
            SyntheticLag lag = new SyntheticLag(Clock.systemUTC());
            scaler = new KubernetesScalerService(vertx, client, (key, config) -> lag, Clock.systemUTC(),
                    KubernetesScalerService.Settings.defaults("ebb-system", "bench-scaler").withPort(-1)
                            .withTick(tick));
            scaler.start().await(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!scaler.ready() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            // The leader adds its finalizer to every ScaledWorkload once: a start-up cost, not the steady state.
            while (System.nanoTime() < deadline && client.resources(ScaledWorkload.class).inNamespace(ns).list()
                    .getItems().stream().anyMatch(sw -> !sw.getMetadata().getFinalizers().contains(
                            dev.ebb.scaler.k8s.WorkloadFinalizer.FINALIZER))) {
                Thread.sleep(1000);
            }
            out.println("Scaler ready, finalizers in place; warming up for 10 s...");
            Thread.sleep(10_000);
            dispatcher.measuring = true;
            out.printf("Measuring for %d s...%n", seconds);
            Thread.sleep(seconds * 1000L);
            dispatcher.measuring = false;
            Map<String, Long> counts = new HashMap<>();
            dispatcher.counts.forEach((k, v) -> counts.put(k, v.get()));
            long patches = counts.getOrDefault("PATCH scale subresource", 0L);
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            return new Result(workloads, seconds, tick, counts, patches, os.getSystemLoadAverage(),
                    os.getAvailableProcessors());
        } finally {
            try {
                if (scaler != null) {
                    scaler.close();
                }
                client.close();
                vertx.close().await(10, TimeUnit.SECONDS);
                server.destroy();
            } catch (Exception e) {
                out.println("(cleanup: " + e + ")");
            }
        }
    }

    private static ScaledWorkload workload(String ns, String name, int i) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec("apps/v1", "Deployment", name));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers("synthetic:9092");
        kafka.setConsumerGroup("group-" + i);
        kafka.setTopics(List.of("topic-" + i));
        spec.setKafka(kafka);
        PolicySettings policy = new PolicySettings();
        policy.setMode("threshold");
        policy.setLagThreshold(100L);
        policy.setMinReplicas(1);
        policy.setMaxReplicas(8);
        spec.setPolicy(policy);
        sw.setSpec(spec);
        return sw;
    }

    /** Lag of each group: a wave between 0 and 800 records with a period of a few minutes, phase by group. */
    static final class SyntheticLag implements LagSource {
        private final Clock clock;
        private final Instant start;

        SyntheticLag(Clock clock) {
            this.clock = clock;
            this.start = clock.instant();
        }

        @Override
        public CompletionStage<Map<GroupQuery, Observation>> observe(Collection<GroupQuery> queries) {
            Instant now = clock.instant();
            double t = Duration.between(start, now).toMillis() / 1000.0;
            Map<GroupQuery, Observation> out = new HashMap<>();
            for (GroupQuery q : queries) {
                int phase = Math.floorMod(q.groupId().hashCode(), 360);
                long lag = Math.round(400 + 400 * Math.sin(Math.toRadians(phase + t * 2)));
                long end = 1_000_000 + (long) (t * 50);
                String topic = q.topics().isEmpty() ? "t" : q.topics().get(0);
                // Eight partitions, so that a consumer group may have up to eight replicas.
                List<PartitionLag> partitions = new java.util.ArrayList<>();
                for (int p = 0; p < 8; p++) {
                    long l = lag / 8 + (p < lag % 8 ? 1 : 0);
                    partitions.add(new PartitionLag(topic, p, end, 0, OptionalLong.of(end - l), l));
                }
                out.put(q, new Observation.Lag(now, partitions, OptionalDouble.of(50), OptionalDouble.of(50),
                        Optional.empty(), OptionalInt.empty()));
            }
            return CompletableFuture.completedFuture(out);
        }

        @Override
        public void close() {
        }
    }

}
