package dev.ebb.bench.demo;

import dev.ebb.function.FunctionWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.function.example.OrderEnricher;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.local.FileWorkloadCatalog;
import dev.ebb.scaler.local.LiveDecisionListener;
import dev.ebb.scaler.local.LiveLog;
import dev.ebb.scaler.local.LocalProcessScaleTarget;
import dev.ebb.scaler.local.LocalThreadScaleTarget;
import dev.ebb.scaler.local.ProcessSpec;
import dev.ebb.scaler.loop.DecisionListener;
import dev.ebb.scaler.loop.ScalerLoop;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * One measured run: topics on a broker, the scaler loop in local mode (the same {@link ScalerLoop} as in a cluster,
 * fed by a {@link FileWorkloadCatalog}), the SDK's example function as workers (threads or processes) from zero, a
 * load trace, and the output read back to count every record. Used by {@code ebb demo} and the e2e benchmark.
 */
public final class DemoRun {

    /** The workload's policy, written as the {@code spec.policy} of a ScaledWorkload. */
    public record Policy(String mode, int minReplicas, int maxReplicas, Map<String, Object> settings) {
        public Policy {
            settings = Map.copyOf(settings);
        }
    }

    /**
     * @param label names the topics and group of this run
     * @param settleTimeout how long to wait after the trace for every record to come out and the replicas to return
     *     to the minimum
     * @param observeAfterDrain empty: run until the replicas are back at the minimum (or the settle timeout);
     *     else stop this long after every record came out even if the replicas are still up (a slow cooldown)
     */
    public record Settings(String label, Trace trace, Policy policy, int partitions, DemoOptions.Workers workers,
                           double workerRate, Duration pollInterval, Duration settleTimeout, Path workDir,
                           Optional<Duration> observeAfterDrain) {
    }

    /** What a run measured, plus the raw material for reports. */
    public record Result(DemoSummary summary, ReplicaTimeline timeline, Optional<Instant> burstStart,
                         Optional<Instant> burstSentAt) {
    }

    public static final String TARGET = "order-enricher";

    private final KafkaBroker broker;
    private final Settings settings;
    private final LiveLog log;
    private final PrintStream out;
    private final Clock clock = Clock.systemUTC();
    private final DemoOptions.Group groupKind;

    public DemoRun(KafkaBroker broker, Settings settings, LiveLog log, PrintStream out) {
        this(broker, settings, log, out, DemoOptions.Group.CONSUMER);
    }

    /** A run whose workers join a group of this kind (a share group is not capped at the partition count). */
    public DemoRun(KafkaBroker broker, Settings settings, LiveLog log, PrintStream out, DemoOptions.Group groupKind) {
        this.broker = broker;
        this.settings = settings;
        this.log = log;
        this.out = out;
        this.groupKind = groupKind;
    }

    public Result run() throws Exception {
        String input = "orders-" + settings.label();
        String output = input + "-enriched";
        String group = "order-enricher-" + settings.label();
        broker.createTopic(input, settings.partitions());
        broker.createTopic(output, settings.partitions());
        Files.createDirectories(settings.workDir());
        Path workloads = settings.workDir().resolve("workloads.yaml");
        String yaml = workloadYaml(settings.label(), broker.bootstrapServers(), input, group,
                settings.pollInterval(), settings.policy());
        boolean share = groupKind == DemoOptions.Group.SHARE;
        if (share) {
            startShareGroupAtEarliest(group);
            yaml = asShareGroup(yaml);
        }
        Files.writeString(workloads, yaml);

        Duration work = Duration.ofNanos(Math.round(1e9 / settings.workerRate()));
        Map<String, Object> clientConfig = broker.clientConfig();
        AutoCloseable targetCloser;
        ScaleTarget target;
        if (settings.workers() == DemoOptions.Workers.THREADS) {
            LocalThreadScaleTarget threads = new LocalThreadScaleTarget(Duration.ofSeconds(30));
            WorkerConfig consumer = workerConfig(broker.bootstrapServers(), input, output, group);
            WorkerConfig config = share ? consumer.toBuilder().shareGroup(group).build() : consumer;
            threads.register(TARGET, index -> FunctionWorker.start(OrderEnricher.function(work),
                    config.toBuilder().workerId(TARGET + "-" + settings.label() + "-" + index).build()));
            target = threads;
            targetCloser = threads;
        } else {
            LocalProcessScaleTarget processes = new LocalProcessScaleTarget(Duration.ofSeconds(20));
            ProcessSpec spec = workerProcess(broker.bootstrapServers(), input, output, group, work,
                    settings.workDir().resolve("worker-logs"));
            processes.register(TARGET, share ? asShareGroup(spec) : spec);
            target = processes;
            targetCloser = processes;
        }
        ReplicaTimeline timeline = new ReplicaTimeline(target, clock, 0);

        Vertx vertx = Vertx.vertx();
        FileWorkloadCatalog catalog = new FileWorkloadCatalog(workloads, Duration.ofSeconds(1));
        ScalerLoop loop = null;
        OutputCounter counter = new OutputCounter(clientConfig, output, clock);
        LoadGenerator load = new LoadGenerator(clientConfig, input, settings.trace(), clock, log::annotate);
        Instant start = clock.instant();
        try {
            counter.start();
            loop = new ScalerLoop(vertx, catalog, (cluster, config) -> new KafkaAdminLagSource(config), timeline,
                    clock, DecisionListener.all(List.of(new LiveDecisionListener(log, clock))),
                    ScalerLoop.Options.defaults().withTick(settings.pollInterval())).start();
            load.start();
            // The trace's final idle phase is there for the scale-down; once the replicas are back at the minimum
            // and every record came out, the run is over.
            Instant deadline = null;
            Instant drainedAt = null;
            int min = settings.policy().minReplicas();
            while (true) {
                Thread.sleep(250);
                Instant now = clock.instant();
                if (load.finished() && deadline == null) {
                    deadline = now.plus(settings.settleTimeout());
                }
                boolean allOut = load.inFinalIdle() && counter.missing(load.ackedSeqs()) == 0;
                if (allOut && !timeline.changes().isEmpty() && timeline.replicasAt(now) <= min) {
                    break;
                }
                if (allOut && settings.observeAfterDrain().isPresent()) {
                    drainedAt = drainedAt == null ? now : drainedAt;
                    if (!now.isBefore(drainedAt.plus(settings.observeAfterDrain().get()))) {
                        break;
                    }
                }
                if (deadline != null && now.isAfter(deadline)) {
                    out.println("Gave up waiting " + settings.settleTimeout().toSeconds() + "s after the trace for "
                            + "the replicas to return to " + min + " and every record to come out");
                    break;
                }
            }
            load.close();
            load.lastError().ifPresent(e -> out.println("Load generator error: " + e));
        } finally {
            if (loop != null) {
                loop.stopAndWait(Duration.ofSeconds(10));
            }
            // Vert.x first, so that no tick still in flight asks the closed workers for anything.
            vertx.close().await();
            targetCloser.close();
            load.close();
            counter.close();
            catalog.close();
        }
        Instant end = clock.instant();
        return new Result(summarize(timeline, load, counter, start, end), timeline, load.burstStart(),
                load.burstSentAt());
    }

    private DemoSummary summarize(ReplicaTimeline timeline, LoadGenerator load, OutputCounter counter, Instant start,
                                  Instant end) {
        Optional<Instant> burst = load.burstStart();
        Optional<Duration> firstUp = burst.flatMap(b -> timeline.firstScaleUpAfter(b)
                .map(c -> Duration.between(b, c.requestedAt())));
        Optional<Duration> drained = burst.flatMap(b -> load.burstRange()
                .flatMap(r -> counter.allSeenAt(r[0], r[1])).map(d -> Duration.between(b, d)));
        long burstRecords = load.burstRange().map(r -> r[1] - r[0]).orElse(0L);
        var acked = load.ackedSeqs();
        return new DemoSummary(settings.label(), settings.trace().name(), settings.policy().mode(),
                settings.workers().name().toLowerCase(Locale.ROOT), settings.partitions(), settings.pollInterval(),
                start, end, firstUp, drained, timeline.replicaSeconds(end), timeline.maxReplicas(),
                timeline.replicasAt(end), settings.policy().minReplicas(), burstRecords, acked.cardinality(),
                counter.processed(), counter.missing(acked), counter.duplicates(), load.failedSends(),
                timeline.changes().size());
    }

    static WorkerConfig workerConfig(String bootstrap, String input, String output, String group) {
        return WorkerConfig.builder()
                .bootstrapServers(bootstrap)
                .topics(input)
                .group(group)
                .outputTopic(output)
                .commitInterval(Duration.ofMillis(500))
                .shutdownGrace(Duration.ofSeconds(10))
                .offsetReset("earliest")
                .httpOff()
                .build();
    }

    static ProcessSpec workerProcess(String bootstrap, String input, String output, String group, Duration work,
                                     Path logDir) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Small, quick-starting JVMs: two cores are shared by the broker, the scaler and every worker.
        List<String> command = List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms32m", "-Xmx128m",
                "-XX:-UsePerfData", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                OrderEnricher.class.getName());
        Map<String, String> env = new LinkedHashMap<>();
        env.put(WorkerConfig.BOOTSTRAP_SERVERS, bootstrap);
        env.put(WorkerConfig.TOPICS, input);
        env.put(WorkerConfig.GROUP, group);
        env.put(WorkerConfig.OUTPUT_TOPIC, output);
        env.put(WorkerConfig.COMMIT_INTERVAL, "500ms");
        env.put(WorkerConfig.SHUTDOWN_GRACE, "10s");
        env.put(WorkerConfig.OFFSET_RESET, "earliest");
        env.put(WorkerConfig.HTTP_PORT, "off");
        env.put(OrderEnricher.WORK, work.toNanos() / 1000 + "us");
        return new ProcessSpec(command, env, Optional.empty(), Optional.of(logDir));
    }

    /** A new share group starts at the log end; the demo's group should see records produced before it joined. */
    private void startShareGroupAtEarliest(String group) throws Exception {
        try (Admin admin = Admin.create(broker.clientConfig())) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The same workload, watching the share group of that name (no partition cap). */
    static String asShareGroup(String workloadYaml) {
        return workloadYaml.replace("\n    consumerGroup: ", "\n    shareGroup: ");
    }

    /** The same worker process, joining the share group of that name. */
    static ProcessSpec asShareGroup(ProcessSpec spec) {
        Map<String, String> env = new LinkedHashMap<>(spec.environment());
        env.put(WorkerConfig.SHARE_GROUP, env.remove(WorkerConfig.GROUP));
        return new ProcessSpec(spec.command(), env, spec.workingDirectory(), spec.logDirectory());
    }

    static String workloadYaml(String label, String bootstrap, String topic, String group, Duration poll,
                               Policy policy) {
        return namedWorkloadYaml(TARGET, bootstrap, topic, group, poll, policy);
    }

    /** A ScaledWorkload named {@code name} scaling the local pool of that name on {@code group}'s lag. */
    static String namedWorkloadYaml(String name, String bootstrap, String topic, String group, Duration poll,
                               Policy policy) {
        StringBuilder b = new StringBuilder();
        b.append("# Written by ebb demo: the same ScaledWorkload resource a cluster takes.\n")
                .append("apiVersion: ebb.dev/v1alpha1\nkind: ScaledWorkload\nmetadata:\n  name: ")
                .append(name).append("\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n")
                .append("    name: ").append(name).append("\n  kafka:\n    bootstrapServers: ").append(bootstrap)
                .append("\n    consumerGroup: ").append(group).append("\n    topics: [").append(topic).append("]\n")
                // The workers start new groups at the earliest offset, so that is how uncommitted lag counts.
                .append("    offsetResetPolicy: earliest\n")
                .append("  pollInterval: ").append(duration(poll)).append("\n  policy:\n")
                .append("    mode: ").append(policy.mode()).append('\n')
                .append("    minReplicas: ").append(policy.minReplicas()).append('\n')
                .append("    maxReplicas: ").append(policy.maxReplicas()).append('\n');
        policy.settings().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> b.append("    ")
                .append(e.getKey()).append(": ").append(e.getValue() instanceof Duration d ? duration(d)
                        : String.valueOf(e.getValue())).append('\n'));
        return b.toString();
    }

    /** {@code {cooldown: 30s, drainWithin: 20s}}: the settings as they read in the workload file. */
    public static String describe(Map<String, Object> settings) {
        StringBuilder b = new StringBuilder();
        settings.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> b.append(b.length() == 0 ? ""
                : ", ").append(e.getKey()).append(": ").append(e.getValue() instanceof Duration d ? duration(d)
                : String.valueOf(e.getValue())));
        return "{" + b + "}";
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
