package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Drain mode: {@code ceil((arrivals + lag / drainWithin) / perReplicaRate)} and what refines it. */
class DrainModeTest {

    record Case(String name, UnaryOperator<PolicySpec.Builder> spec, int current, Obs obs, int expected,
                String reasonContains) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** No commit cadence and no cold start: the bare formula. */
    private static PolicySpec.Builder bare() {
        return PolicySpec.builder().maxReplicas(40).commitInterval(Duration.ZERO).readyDelay(Duration.ZERO);
    }

    static Stream<Case> formula() {
        return Stream.of(
                new Case("enough replicas for arrivals and the backlog", b -> b.perReplicaRate(820), 3,
                        Obs.at(1).partitions(10).lag(12400).arrivals(3100), 5,
                        "lag 12400, arrivals 3100/s, 820/s per replica, drain within 30s -> 5"),
                new Case("capped at the partition count", b -> b.perReplicaRate(820), 3,
                        Obs.at(1).partitions(4).lag(12400).arrivals(3100), 4, "-> 4 (capped at 4 partitions)"),
                new Case("a shorter deadline asks for more", b -> b.perReplicaRate(820).drainWithin(Duration.ofSeconds(5)), 3,
                        Obs.at(1).partitions(14).lag(12400).arrivals(3100), 7, "drain within 5s -> 7"),
                new Case("share groups are not capped by partitions", b -> b.perReplicaRate(1000).groupKind(GroupKind.SHARE), 1,
                        Obs.at(1).partitions(4).lag(0).arrivals(9500), 10, "-> 10"),
                new Case("lag the commit cadence explains is not backlog",
                        b -> b.perReplicaRate(100).commitInterval(Duration.ofSeconds(5)), 10,
                        Obs.at(1).partitions(20).lag(5000).arrivals(1000), 10, "lag 5000 (5000 explained by commits)"),
                new Case("lag beyond the commit cadence is backlog",
                        b -> b.perReplicaRate(100).commitInterval(Duration.ofSeconds(5)), 10,
                        Obs.at(1).partitions(26).lag(11000).arrivals(1000), 13, "-> 13"),
                new Case("the backlog is projected to when new replicas are ready",
                        b -> b.perReplicaRate(1000).readyDelay(Duration.ofSeconds(10)), 2,
                        Obs.at(1).partitions(26).lag(8000).arrivals(10000), 13,
                        "projected lag 88000 when new replicas are ready in 10s"),
                new Case("the count is the cheapest whose busiest member is fast enough, rounded up",
                        b -> b.perReplicaRate(1000).readyDelay(Duration.ofSeconds(10)), 2,
                        Obs.at(1).partitions(32).lag(8000).arrivals(10000), 16,
                        "rounded up to 16: at most 2 partitions per member"),
                new Case("a scale-down never goes below the count that keeps up with arrivals",
                        b -> b.perReplicaRate(1000), 7,
                        Obs.at(1).partitions(32).lag(0).arrivals(5500), 7, "-> 7"),
                new Case("a time lag within the SLO changes nothing",
                        b -> b.perReplicaRate(1000).maxTimeLag(Duration.ofSeconds(30)), 4,
                        Obs.at(1).partitions(30).lag(0).arrivals(5000).timeLag(5), 5, "time lag 5s of 30s SLO -> 5"),
                new Case("a time lag beyond the SLO asks for far more capacity than arrivals",
                        b -> b.perReplicaRate(1000).maxTimeLag(Duration.ofSeconds(30)), 4,
                        Obs.at(1).partitions(60).lag(0).arrivals(5000).timeLag(35), 30, "(at risk)"),
                new Case("at risk, the count is one fast enough, not one as slow as a smaller count",
                        b -> b.perReplicaRate(1000).maxTimeLag(Duration.ofSeconds(30)), 4,
                        Obs.at(1).partitions(32).lag(0).arrivals(5000).timeLag(35), 32, "rounded up to 32"),
                new Case("no load keeps an active workload at one replica", b -> b.perReplicaRate(1000), 1,
                        Obs.at(1).partitions(8).lag(0).arrivals(0), 1, "lag 0, arrivals 0/s"));
    }

    @ParameterizedTest
    @MethodSource("formula")
    void computesTheDrainDesire(Case c) {
        PolicySpec spec = c.spec().apply(bare()).build();
        Decision d = ScalingPolicy.decide(spec, c.obs().build(), WorkloadState.initial(c.current()), Obs.t(1));
        assertThat(d.desiredReplicas()).as(d.reason()).isEqualTo(c.expected());
        assertThat(d.reason()).contains(c.reasonContains());
    }

    @Test
    void waitsForStartingReplicasInsteadOfAddingOnePerPoll() {
        PolicySpec spec = bare().perReplicaRate(1000).readyDelay(Duration.ofSeconds(10)).build();
        Driver driver = new Driver(spec, 2);
        Decision first = driver.tick(Obs.at(1).partitions(26).lag(8000).arrivals(10000).members(2));
        assertThat(first.desiredReplicas()).isEqualTo(13);
        // While the 11 new replicas start, the backlog grows exactly as projected: every poll holds.
        for (int t = 2; t <= 10; t++) {
            Decision d = driver.tick(Obs.at(t).partitions(26).lag(8000L * t).arrivals(10000).members(2));
            assertThat(d.desiredReplicas()).as("t=%d: %s", t, d.reason()).isEqualTo(13);
            assertThat(d.reason()).contains("11 starting");
        }
    }

    @Test
    void addsMoreWhileStartingOnlyWhenArrivalsOutgrowTheProjection() {
        PolicySpec spec = bare().perReplicaRate(1000).readyDelay(Duration.ofSeconds(10)).build();
        Driver driver = new Driver(spec, 2);
        driver.tick(Obs.at(1).partitions(120).lag(8000).arrivals(10000).members(2));
        Decision more = driver.tick(Obs.at(2).partitions(120).lag(26000).arrivals(20000).members(2));
        assertThat(more.desiredReplicas()).isGreaterThan(20);
        assertThat(more.kind()).isEqualTo(DecisionKind.SCALE_UP);
    }

    @Test
    void usesTheRateSinceThePreviousPollWhenTheObserversWindowTrails() {
        PolicySpec spec = bare().perReplicaRate(1000).build();
        Driver driver = new Driver(spec, 2);
        driver.tick(Obs.at(1).partitions(32).lag(0).arrivals(2000).members(2));
        // The end offsets grew by 10000 in one second while the observer's windowed rate still says 2800/s.
        Decision d = driver.tick(Obs.at(2).partitions(32).lag(8000).arrivals(2800).endTotal(1_000_000 + 10000));
        assertThat(d.reason()).contains("arrivals 10000/s");
        assertThat(d.desiredReplicas()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void learnsThePerReplicaRatePerEffectiveMember() {
        // 9 members on 32 partitions: the busiest has 4, so they do the work of 8, 8,000/s at 1,000/s each.
        // Dividing by 9 members would learn 889/s, and every later count would be sized too high.
        PolicySpec spec = bare().perReplicaRate(1000).commitInterval(Duration.ofSeconds(5)).maxReplicas(9).build();
        Driver driver = new Driver(spec, 9);
        Decision last = driver.hold(1, 60,
                t -> Obs.at(t).partitions(32).arrivals(9500).lag(Math.round(50_000 + 1500 * t)).members(9));
        assertThat(last.next().learnedRate()).isPresent();
        assertThat(last.next().learnedRate().getAsDouble()).isBetween(980.0, 1020.0);
    }

    @Test
    void theTimeLagCheckCountsReplicasAlreadyStarting() {
        PolicySpec spec = bare().perReplicaRate(1000).readyDelay(Duration.ofSeconds(10))
                .maxTimeLag(Duration.ofSeconds(30)).build();
        Driver driver = new Driver(spec, 8);
        // 8 members do 8,000/s of 9,000/s: the age, 29 s, would pass the SLO before new replicas are ready.
        Decision first = driver.tick(Obs.at(1).partitions(32).lag(0).arrivals(9000).timeLag(29.5).members(8));
        assertThat(first.reason()).contains("(at risk)");
        assertThat(first.desiredReplicas()).isEqualTo(11);
        // A second later the age is higher, but the 3 starting replicas keep up once ready: no second scale-up.
        for (int t = 2; t <= 6; t++) {
            Decision d = driver.tick(Obs.at(t).partitions(32).lag(0).arrivals(9000).timeLag(29.5 + 0.1 * t)
                    .members(8));
            assertThat(d.desiredReplicas()).as("t=%d: %s", t, d.reason()).isEqualTo(11);
            assertThat(d.reason()).contains("3 starting");
        }
    }

    @Test
    void anAgeingBacklogRaisesTheCountToOneThatKeepsUp() {
        PolicySpec spec = bare().perReplicaRate(1000).maxTimeLag(Duration.ofSeconds(30)).build();
        Driver driver = new Driver(spec, 6);
        driver.tick(Obs.at(1).partitions(32).lag(0).arrivals(5500).timeLag(1).members(6));
        // 5,500/s on 6 members (32 partitions: the work of 5.3) is within the tolerance while the backlog is young.
        Decision young = driver.tick(Obs.at(2).partitions(32).lag(0).arrivals(5500).timeLag(1).members(6));
        assertThat(young.desiredReplicas()).as(young.reason()).isEqualTo(6);
        // Once the oldest record is older than half the SLO, the count keeps up with a margin: 7 (the work of 6.4).
        Decision old = driver.tick(Obs.at(3).partitions(32).lag(0).arrivals(5500).timeLag(16).members(6));
        assertThat(old.desiredReplicas()).as(old.reason()).isEqualTo(7);
        assertThat(old.reason()).contains("past half the SLO");
    }

    @Test
    void learnsALowerPerReplicaRateWhenSaturated() {
        // Workers really do 500/s each; the prior says 1000/s.
        GroupModel model = new GroupModel(32, 500, 10, 2, 5, 1, t -> 5000, 5);
        PolicySpec spec = GroupModel.standardSpec();
        model.run(spec, 600);
        assertThat(model.state.learnedRate()).isPresent();
        // It learns while the group is saturated. With 32 partitions, 11 members (3 partitions on the busiest, the
        // work of 10.7) keep up with 5,000/s at 500/s each, so learning stops on the way down from the prior.
        assertThat(model.state.learnedRate().getAsDouble()).isBetween(450.0, 650.0);
        assertThat(model.replicas()).isBetween(11, 12);
    }

    @Test
    void commitLagDoesNotTeachALowerRate() {
        // Workers keep up with 5,000/s on 6 replicas; committed offsets trail by up to 5 s of records.
        GroupModel model = GroupModel.standard(t -> 5000, 6);
        model.run(GroupModel.standardSpec(), 600);
        assertThat(model.state.learnedRate().orElse(1000)).isGreaterThanOrEqualTo(950);
        assertThat(model.decisions).allSatisfy(d -> assertThat(d.desiredReplicas()).as(d.reason()).isLessThanOrEqualTo(6));
    }
}
