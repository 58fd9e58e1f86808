package dev.ebb.scaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.reconcile.Pause;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.ClusterKey;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadCatalog;
import dev.ebb.scaler.workload.WorkloadId;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScalerLoopTest {

    private static final ClusterKey CLUSTER = ClusterKey.plain("kafka:9092");
    private static final PolicySpec THRESHOLD = PolicySpec.builder().mode(Mode.THRESHOLD).lagThreshold(10)
            .maxReplicas(8).cooldown(Duration.ofSeconds(10)).scaleDownWindow(Duration.ZERO)
            .readyDelay(Duration.ZERO).rebalanceGrace(Duration.ZERO).build();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<CatalogEntry> entries = new CopyOnWriteArrayList<>();
    private final WorkloadCatalog catalog = () -> List.copyOf(entries);
    private final Map<ClusterKey, InMemoryLagSource> sources = new ConcurrentHashMap<>();
    private final RecordingScaleTarget target = new RecordingScaleTarget();
    private final List<DecisionEvent> decisions = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private Vertx vertx;
    private ScalerLoop loop;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        DecisionListener listener = new DecisionListener() {
            @Override
            public void onDecision(DecisionEvent event) {
                decisions.add(event);
            }

            @Override
            public void onInvalid(WorkloadId id, List<String> problems) {
                events.add("invalid " + id + " " + problems);
            }

            @Override
            public void onTargetFailure(Workload workload, dev.ebb.scaler.policy.Observation observation,
                                        ScaleOutcome.Failed failure) {
                events.add("target-failure " + workload.id() + " " + failure.kind().label());
            }

            @Override
            public void onRemoved(WorkloadId id) {
                events.add("removed " + id);
            }
        };
        loop = new ScalerLoop(vertx, catalog, (key, config) -> sources.computeIfAbsent(key,
                k -> new InMemoryLagSource(clock)), target, clock, listener,
                ScalerLoop.Options.defaults().withLeader(leading::get));
    }

    @AfterEach
    void stop() throws Exception {
        loop.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void scalesTheTargetToTheDecisionWhenLagRises() throws Exception {
        entries.add(valid(workload("orders", "orders-fn", "orders-group", CLUSTER)));
        target.put("orders-fn", 0);
        tick();
        assertThat(target.replicas("orders-fn")).isZero();
        assertThat(target.requests).isEmpty();

        source(CLUSTER).lag("orders-group", 10, 10, 10, 10, 10, 0, 0, 0);
        tick();

        assertThat(target.replicas("orders-fn")).isEqualTo(5);
        DecisionEvent last = decisions.get(decisions.size() - 1);
        assertThat(last.outcome()).isEqualTo(new ScaleOutcome.Scaled(0, 5));
        assertThat(last.role()).isEqualTo(DecisionEvent.Role.LEADER);
        assertThat(target.requests.get(0).reason()).isEqualTo(last.decision().reason()).isNotBlank();
    }

    @Test
    void sendsNoScaleRequestWhenTheDecisionEqualsTheCurrentCount() throws Exception {
        entries.add(valid(workload("orders", "orders-fn", "orders-group", CLUSTER)));
        target.put("orders-fn", 3);
        source(CLUSTER).lag("orders-group", 10, 10, 10, 0, 0, 0, 0, 0);
        tick();
        tick();
        assertThat(target.requests).isEmpty();
        assertThat(decisions).hasSize(2).allSatisfy(d -> assertThat(d.outcome())
                .isEqualTo(new ScaleOutcome.Unchanged(3)));
    }

    @Test
    void oneMissingTargetNeverStopsTheOthers() throws Exception {
        entries.add(valid(workload("broken", "no-such-deployment", "g1", CLUSTER)));
        entries.add(valid(workload("good", "good-fn", "g2", CLUSTER)));
        target.put("good-fn", 0);
        source(CLUSTER).lag("g1", 100);
        source(CLUSTER).lag("g2", 10, 10);
        tick();
        assertThat(events).contains("target-failure default/broken not_found");
        assertThat(target.replicas("good-fn")).isEqualTo(2);
    }

    @Test
    void observesEveryWorkloadOfAClusterInOneBatchWithOneSourcePerCluster() throws Exception {
        ClusterKey other = ClusterKey.plain("other:9092");
        entries.add(valid(workload("a", "a-fn", "ga", CLUSTER)));
        entries.add(valid(workload("b", "b-fn", "gb", CLUSTER)));
        entries.add(valid(workload("c", "c-fn", "gc", other)));
        target.put("a-fn", 1);
        target.put("b-fn", 1);
        target.put("c-fn", 1);
        tick();
        assertThat(sources).hasSize(2);
        assertThat(source(CLUSTER).batches).containsExactly(List.of("ga", "gb"));
        assertThat(source(other).batches).containsExactly(List.of("gc"));
    }

    @Test
    void reportsAnInvalidWorkloadOnceAndNeverActsOnIt() throws Exception {
        entries.add(new CatalogEntry.Invalid(new WorkloadId("default", "bad"),
                List.of("Invalid value -5 for spec.policy.lagThreshold: must be > 0")));
        entries.add(valid(workload("good", "good-fn", "g", CLUSTER)));
        target.put("good-fn", 0);
        source(CLUSTER).lag("g", 30);
        tick();
        tick();
        assertThat(events).containsOnlyOnce(
                "invalid default/bad [Invalid value -5 for spec.policy.lagThreshold: must be > 0]");
        assertThat(target.replicas("good-fn")).isEqualTo(1);
        assertThat(decisions).noneMatch(d -> d.workload().id().name().equals("bad"));
    }

    @Test
    void leavesAPausedWorkloadAloneAndHoldsAPausedReplicasOneAtItsCount() throws Exception {
        entries.add(valid(workload("paused", "p-fn", "gp", CLUSTER).withPause(new Pause.Paused("annotation"))));
        entries.add(valid(workload("held", "h-fn", "gh", CLUSTER).withPause(new Pause.HoldAt(2, "annotation"))));
        target.put("p-fn", 1);
        target.put("h-fn", 7);
        source(CLUSTER).lag("gp", 80);
        source(CLUSTER).lag("gh", 80);
        tick();
        assertThat(target.replicas("p-fn")).isEqualTo(1);
        assertThat(target.replicas("h-fn")).isEqualTo(2);
        assertThat(target.requests).extracting(r -> r.target().name()).containsExactly("h-fn");
        DecisionEvent paused = decisions.stream().filter(d -> d.workload().id().name().equals("paused")).findFirst()
                .orElseThrow();
        assertThat(paused.decision().desiredReplicas()).isEqualTo(1); // capped at 1 partition, still computed
        assertThat(paused.outcome()).isEqualTo(new ScaleOutcome.Unchanged(1));
    }

    @Test
    void aStandbyDecidesButNeverScales() throws Exception {
        leading.set(false);
        entries.add(valid(workload("orders", "orders-fn", "g", CLUSTER)));
        target.put("orders-fn", 0);
        source(CLUSTER).lag("g", 40, 40);
        tick();
        assertThat(target.requests).isEmpty();
        assertThat(decisions).singleElement().satisfies(d -> {
            assertThat(d.role()).isEqualTo(DecisionEvent.Role.STANDBY);
            assertThat(d.decision().desiredReplicas()).isEqualTo(2);
        });
        leading.set(true);
        tick();
        assertThat(target.replicas("orders-fn")).isEqualTo(2);
    }

    @Test
    void appliesASpecChangeOnTheNextTick() throws Exception {
        Workload w = workload("orders", "orders-fn", "g", CLUSTER);
        entries.add(valid(w));
        target.put("orders-fn", 0);
        source(CLUSTER).lag("g", 100, 100, 100, 100, 100, 100, 100, 100);
        tick();
        assertThat(target.replicas("orders-fn")).isEqualTo(8);

        entries.clear();
        entries.add(valid(new Workload(w.id(), w.target(), w.cluster(), w.clientConfig(), w.group(),
                w.policy().toBuilder().maxReplicas(3).build(), w.pollInterval())));
        tick();
        assertThat(target.replicas("orders-fn")).isEqualTo(3);
    }

    @Test
    void stopsARemovedWorkloadAndClosesItsClustersSource() throws Exception {
        entries.add(valid(workload("orders", "orders-fn", "g", CLUSTER)));
        target.put("orders-fn", 0);
        tick();
        entries.clear();
        source(CLUSTER).lag("g", 50);
        tick();
        assertThat(events).contains("removed default/orders");
        assertThat(target.requests).isEmpty();
        await(() -> source(CLUSTER).closed);
    }

    @Test
    void pollsAWorkloadAtItsOwnIntervalAsAMultipleOfTheTick() throws Exception {
        Workload w = workload("slow", "slow-fn", "g", CLUSTER);
        entries.add(valid(new Workload(w.id(), w.target(), w.cluster(), w.clientConfig(), w.group(), w.policy(),
                Duration.ofSeconds(3))));
        target.put("slow-fn", 1);
        for (int i = 0; i < 7; i++) {
            tick();
        }
        assertThat(source(CLUSTER).batches).hasSize(3); // t=0, 3, 6
    }

    @Test
    void keepsTheTimerGoingAfterStart() throws Exception {
        entries.add(valid(workload("orders", "orders-fn", "g", CLUSTER)));
        target.put("orders-fn", 0);
        InMemoryLagSource live = new InMemoryLagSource(Clock.systemUTC());
        live.lag("g", 30, 0);
        new ScalerLoop(vertx, catalog, (k, c) -> live, target, Clock.systemUTC(), DecisionListener.none(),
                ScalerLoop.Options.defaults().withTick(Duration.ofMillis(50))).start();
        await(() -> target.replicas("orders-fn") == 2);
        assertThat(target.replicas("orders-fn")).isEqualTo(2);
    }

    @Test
    void holdsTheCountWhileLagIsUnavailable() throws Exception {
        entries.add(valid(workload("orders", "orders-fn", "g", CLUSTER)));
        target.put("orders-fn", 3);
        source(CLUSTER).unavailable("g", "broker down");
        tick();
        tick();
        assertThat(target.requests).isEmpty();
        assertThat(decisions).hasSize(2).allSatisfy(d -> {
            assertThat(d.observation()).isInstanceOf(dev.ebb.scaler.policy.Observation.Unavailable.class);
            assertThat(d.decision().desiredReplicas()).isEqualTo(3);
        });
    }

    @Test
    void aFailingClusterNeverStopsAnotherCluster() throws Exception {
        ClusterKey broken = ClusterKey.plain("broken:9092");
        ScalerLoop twoClusters = new ScalerLoop(vertx, catalog, (key, config) -> {
            if (key.equals(broken)) {
                return new InMemoryLagSource(clock) {
                    @Override
                    public java.util.concurrent.CompletionStage<Map<GroupQuery, dev.ebb.scaler.policy.Observation>>
                            observe(java.util.Collection<GroupQuery> queries) {
                        throw new IllegalStateException("admin client exploded");
                    }
                };
            }
            return source(key);
        }, target, clock, DecisionListener.all(List.of(new DecisionListener() {
            @Override
            public void onDecision(DecisionEvent event) {
                decisions.add(event);
            }
        })));
        entries.add(valid(workload("a", "a-fn", "ga", broken)));
        entries.add(valid(workload("b", "b-fn", "gb", CLUSTER)));
        target.put("a-fn", 2);
        target.put("b-fn", 0);
        source(CLUSTER).lag("gb", 20, 20);
        twoClusters.tick().await(10, TimeUnit.SECONDS);
        twoClusters.close();
        assertThat(target.replicas("b-fn")).isEqualTo(2);
        assertThat(target.replicas("a-fn")).isEqualTo(2);
        assertThat(decisions).filteredOn(d -> d.workload().id().name().equals("a")).singleElement()
                .satisfies(d -> assertThat(d.observation()).isInstanceOfSatisfying(
                        dev.ebb.scaler.policy.Observation.Unavailable.class,
                        u -> assertThat(u.reason()).contains("admin client exploded")));
    }

    private InMemoryLagSource source(ClusterKey key) {
        return sources.computeIfAbsent(key, k -> new InMemoryLagSource(clock));
    }

    /** One tick at the current time, then one second passes. */
    private void tick() throws Exception {
        loop.tick().await(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofSeconds(1));
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static CatalogEntry valid(Workload w) {
        return new CatalogEntry.Valid(w);
    }

    private static Workload workload(String name, String deployment, String group, ClusterKey cluster) {
        return new Workload(new WorkloadId("default", name),
                new TargetRef("default", "apps/v1", "Deployment", deployment), cluster,
                Map.of("bootstrap.servers", cluster.bootstrapServers()),
                GroupQuery.consumerGroup(group, List.of("t")), THRESHOLD, Duration.ofSeconds(1));
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }


    @Test
    void escapesControlCharactersOfTenantTextInItsLogLines() {
        assertThat(ScalerLoop.printable("Invalid value 'a\nWARN forged' for x")).isEqualTo(
                "Invalid value 'a\\u000aWARN forged' for x");
    }
}
