package dev.ebb.bench.demo;

import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.WorkerConfig;
import dev.ebb.function.example.OrderEnricher;
import dev.ebb.function.example.pipeline.OrderIngest;
import dev.ebb.function.example.pipeline.OrderStore;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.local.FileWorkloadCatalog;
import dev.ebb.scaler.local.LiveDecisionListener;
import dev.ebb.scaler.local.LiveLog;
import dev.ebb.scaler.local.LocalThreadScaleTarget;
import dev.ebb.scaler.loop.DecisionListener;
import dev.ebb.scaler.loop.ScalerLoop;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.ScaleTarget;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The event pipeline on one machine: three topics ({@code orders-raw}, {@code orders}, {@code orders-enriched}), three
 * SDK functions (ingest, enrich, store) as thread workers from zero, each its own consumer group and its own
 * ScaledWorkload in one workload file, the scaler loop in local mode over all three, and a load trace into
 * {@code orders-raw}. The store stage's sink records which order ids reached the end. Used by {@code ebb pipeline}.
 */
public final class PipelineRun {

    /** One stage: its workload (and local pool) name, consumer group, input and output topic (none for the sink). */
    public record Stage(String name, String group, String input, Optional<String> output) {
    }

    /**
     * @param label appended to topic and group names ({@code ""} for the plain names on a fresh broker)
     * @param untilScaledDown true: run until every record reached the store and every stage is back at zero (or the
     *     settle timeout); false: stop once every record reached the store and every stage scaled up at least once
     */
    public record Settings(String label, Trace trace, DemoRun.Policy policy, int partitions, double workerRate,
                           Duration pollInterval, Duration settleTimeout, Path workDir, boolean untilScaledDown) {
    }

    /** What one stage did: the most replicas it had, records it processed, when the loop first scaled it up. */
    public record StageResult(Stage stage, int peakReplicas, int finalReplicas, long processed,
                              Optional<Instant> firstScaleUp, List<ReplicaTimeline.Change> changes) {
    }

    /** The run: per stage, and end to end (produced into orders-raw, stored, lost, stored more than once). */
    public record Result(List<StageResult> stages, long produced, long stored, long lost, long storedAgain,
                         long failedSends, Instant start, Instant end) {

        public StageResult stage(String name) {
            return stages.stream().filter(s -> s.stage().name().equals(name)).findFirst().orElseThrow();
        }

        public String text() {
            StringBuilder b = new StringBuilder("Event pipeline summary\n");
            b.append(String.format(Locale.ROOT, "  %-16s %-28s %10s %6s %10s%n", "stage", "consumes",
                    "first up", "peak", "processed"));
            for (StageResult s : stages) {
                String up = s.firstScaleUp().map(t -> DemoSummary.seconds(Duration.between(start, t))).orElse("-");
                b.append(String.format(Locale.ROOT, "  %-16s %-28s %10s %6d %,10d%n", s.stage().name(),
                        s.stage().input(), up, s.peakReplicas(), s.processed()));
            }
            b.append(String.format(Locale.ROOT,
                    "  produced into orders-raw %,d, stored %,d, lost %,d, stored more than once %,d, failed sends %,d",
                    produced, stored, lost, storedAgain, failedSends));
            b.append(String.format(Locale.ROOT, "%n  took %s", DemoSummary.seconds(Duration.between(start,
                    end))));
            return b.toString();
        }
    }

    public static final String INGEST = "order-ingest";
    public static final String ENRICH = "order-enricher";
    public static final String STORE = "order-store";

    private final KafkaBroker broker;
    private final Settings settings;
    private final LiveLog log;
    private final PrintStream out;
    private final Clock clock = Clock.systemUTC();

    public PipelineRun(KafkaBroker broker, Settings settings, LiveLog log, PrintStream out) {
        this.broker = broker;
        this.settings = settings;
        this.log = log;
        this.out = out;
    }

    /** The three stages, with {@code label} appended to topics and groups. */
    public static List<Stage> stages(String label) {
        String s = label.isEmpty() ? "" : "-" + label;
        return List.of(
                new Stage(INGEST, INGEST + s, "orders-raw" + s, Optional.of("orders" + s)),
                new Stage(ENRICH, ENRICH + s, "orders" + s, Optional.of("orders-enriched" + s)),
                new Stage(STORE, STORE + s, "orders-enriched" + s, Optional.empty()));
    }

    /** One ScaledWorkload per stage, each on its own group's backlog, as documents of one file. */
    static String workloadsYaml(List<Stage> stages, String bootstrap, Duration poll, DemoRun.Policy policy) {
        List<String> docs = new ArrayList<>();
        for (Stage stage : stages) {
            docs.add(DemoRun.namedWorkloadYaml(stage.name(), bootstrap, stage.input(), stage.group(), poll, policy)
                    .replace("Written by ebb demo", "Written by ebb pipeline"));
        }
        return String.join("---\n", docs);
    }

    public Result run() throws Exception {
        List<Stage> stages = stages(settings.label());
        for (Stage stage : stages) {
            broker.createTopic(stage.input(), settings.partitions());
        }
        Files.createDirectories(settings.workDir());
        Path workloads = settings.workDir().resolve("pipeline.yaml");
        Files.writeString(workloads, workloadsYaml(stages, broker.bootstrapServers(), settings.pollInterval(),
                settings.policy()));

        Duration work = Duration.ofNanos(Math.round(1e9 / settings.workerRate()));
        Stored stored = new Stored();
        Map<String, Function<Duration, EbbFunction<Object, Object>>> functions = Map.of(
                INGEST, OrderIngest::function,
                ENRICH, OrderEnricher::function,
                STORE, w -> OrderStore.function(w, stored));
        LocalThreadScaleTarget threads = new LocalThreadScaleTarget(Duration.ofSeconds(30));
        Map<String, ReplicaTimeline> timelines = new LinkedHashMap<>();
        for (Stage stage : stages) {
            WorkerConfig.Builder config = WorkerConfig.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .topics(stage.input())
                    .group(stage.group())
                    .commitInterval(Duration.ofMillis(500))
                    .shutdownGrace(Duration.ofSeconds(10))
                    .offsetReset("earliest")
                    .httpOff();
            stage.output().ifPresent(config::outputTopic);
            WorkerConfig base = config.build();
            EbbFunction<Object, Object> function = functions.get(stage.name()).apply(work);
            threads.register(stage.name(), index -> FunctionWorker.start(function,
                    base.toBuilder().workerId(stage.name() + "-" + index).build()));
            timelines.put(stage.name(), new ReplicaTimeline(threads, clock, 0));
        }
        ScaleTarget target = new ByName(timelines);

        Map<String, Object> clientConfig = broker.clientConfig();
        Vertx vertx = Vertx.vertx();
        FileWorkloadCatalog catalog = new FileWorkloadCatalog(workloads, Duration.ofSeconds(1));
        ScalerLoop loop = null;
        // What came out of ingest and of enrich; the store's sink says what reached the end.
        OutputCounter ingested = new OutputCounter(clientConfig, stages.get(0).output().orElseThrow(), clock);
        OutputCounter enriched = new OutputCounter(clientConfig, stages.get(1).output().orElseThrow(), clock);
        LoadGenerator load = new LoadGenerator(clientConfig, stages.get(0).input(), settings.trace(), clock,
                log::annotate);
        Instant start = clock.instant();
        try {
            ingested.start();
            enriched.start();
            loop = new ScalerLoop(vertx, catalog, (cluster, config) -> new KafkaAdminLagSource(config), target,
                    clock, DecisionListener.all(List.of(new LiveDecisionListener(log, clock))),
                    ScalerLoop.Options.defaults().withTick(settings.pollInterval())).start();
            load.start();
            Instant deadline = null;
            while (true) {
                Thread.sleep(250);
                Instant now = clock.instant();
                if (load.finished() && deadline == null) {
                    deadline = now.plus(settings.settleTimeout());
                }
                boolean allStored = load.inFinalIdle() && stored.missing(load.ackedSeqs()) == 0;
                boolean done = settings.untilScaledDown()
                        ? timelines.values().stream().allMatch(t -> !t.changes().isEmpty()
                                && t.replicasAt(now) <= settings.policy().minReplicas())
                        : timelines.values().stream().allMatch(t -> t.maxReplicas() > 0);
                if (allStored && done) {
                    break;
                }
                if (deadline != null && now.isAfter(deadline)) {
                    out.println("Gave up waiting " + settings.settleTimeout().toSeconds() + "s after the trace for "
                            + "every record to reach the store" + (settings.untilScaledDown()
                            ? " and every stage to return to " + settings.policy().minReplicas() : ""));
                    break;
                }
            }
            load.close();
            load.lastError().ifPresent(e -> out.println("Load generator error: " + e));
        } finally {
            if (loop != null) {
                loop.stopAndWait(Duration.ofSeconds(10));
            }
            vertx.close().await();
            threads.close();
            load.close();
            ingested.close();
            enriched.close();
            catalog.close();
        }
        Instant end = clock.instant();
        BitSet acked = load.ackedSeqs();
        List<StageResult> results = new ArrayList<>();
        for (Stage stage : stages) {
            ReplicaTimeline t = timelines.get(stage.name());
            long processed = switch (stage.name()) {
                case INGEST -> ingested.processed();
                case ENRICH -> enriched.processed();
                default -> stored.count();
            };
            results.add(new StageResult(stage, t.maxReplicas(), t.replicasAt(end), processed,
                    t.firstScaleUpAfter(start).map(ReplicaTimeline.Change::requestedAt), t.changes()));
        }
        return new Result(results, acked.cardinality(), stored.count(), stored.missing(acked), stored.again(),
                load.failedSends(), start, end);
    }

    /** The store stage's sink: which order ids reached the end, and how many arrived more than once. */
    static final class Stored implements Consumer<String> {
        private final BitSet seen = new BitSet();
        private long again;

        @Override
        public synchronized void accept(String line) {
            long seq = LoadGenerator.seq(OrderStore.orderId(line));
            // Ids not made by the load generator are not this run's records; they cannot count as delivered.
            if (seq < 0) {
                return;
            }
            if (seen.get((int) seq)) {
                again++;
            } else {
                seen.set((int) seq);
            }
        }

        synchronized long count() {
            return seen.cardinality();
        }

        synchronized long again() {
            return again;
        }

        synchronized long missing(BitSet produced) {
            BitSet lost = (BitSet) produced.clone();
            lost.andNot(seen);
            return lost.cardinality();
        }
    }

    /** Sends each workload's requests through the timeline of its stage (one local pool per stage). */
    private record ByName(Map<String, ReplicaTimeline> timelines) implements ScaleTarget {
        @Override
        public CompletionStage<Integer> currentReplicas(TargetRef target) {
            return timelines.get(target.name()).currentReplicas(target);
        }

        @Override
        public CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason) {
            return timelines.get(target.name()).scale(target, replicas, reason);
        }
    }
}
