package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Threshold mode against the documented behaviour of KEDA's Kafka scaler and the HPA formula
 * ({@code desired = ceil(lag / lagThreshold)}, 10 % tolerance), one poll per case.
 */
class ThresholdModeTest {

    record Case(String name, UnaryOperator<PolicySpec.Builder> spec, int current, Obs obs, int expected,
                String reasonContains) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static PolicySpec.Builder threshold() {
        return PolicySpec.builder().mode(Mode.THRESHOLD).maxReplicas(100);
    }

    static Stream<Case> kedaParity() {
        return Stream.of(
                new Case("desire is ceil(lag / lagThreshold)", b -> b, 1,
                        Obs.at(1).partitions(20).lag(95), 10, "lag 95 over 20 partitions, threshold 10 per replica -> 10"),
                new Case("capped at the partition count", b -> b, 1,
                        Obs.at(1).partitions(3).lag(1000), 3, "-> 3 (capped at 3 partitions)"),
                new Case("allowIdleConsumers lifts the partition cap", b -> b.allowIdleConsumers(true).maxReplicas(50), 1,
                        Obs.at(1).partitions(3).lag(1000), 50, "-> 50"),
                new Case("limitToPartitionsWithLag caps at partitions with lag", b -> b.limitToPartitionsWithLag(true), 1,
                        Obs.at(1).lags(500, 500, 0, 0, 0, 0, 0, 0), 2, "capped at 2 partitions with lag"),
                new Case("limitToPartitionsWithLag caps even with allowIdleConsumers",
                        b -> b.limitToPartitionsWithLag(true).allowIdleConsumers(true), 1,
                        Obs.at(1).lags(500, 500, 0, 0, 0, 0, 0, 0), 2, "capped at 2 partitions with lag"),
                new Case("a partition without commit counts 1 under latest", b -> b.lagThreshold(1), 0,
                        Obs.at(1).partitions(5).uncommitted(5).endTotal(5000), 5, "lag 5 over 5 partitions"),
                new Case("scaleToZeroOnInvalidOffset counts it 0", b -> b.lagThreshold(1).scaleToZeroOnInvalidOffset(true), 0,
                        Obs.at(1).partitions(5).uncommitted(5).endTotal(5000), 0, "lag 0 <= activation threshold 0"),
                new Case("a partition without commit counts its size under earliest",
                        b -> b.offsetResetPolicy(OffsetResetPolicy.EARLIEST).lagThreshold(100).allowIdleConsumers(true), 0,
                        Obs.at(1).partitions(4).uncommitted(4).endTotal(1000), 10, "lag 1000 over 4 partitions"),
                new Case("partitionLimitation counts only the listed partitions", b -> b.partitionLimitation("0,1"), 1,
                        Obs.at(1).lags(100, 100, 100, 100), 2, "lag 200 over 2 partitions"),
                new Case("ensureEvenDistributionOfPartitions rounds up to a factor", b -> b.ensureEvenDistributionOfPartitions(true), 1,
                        Obs.at(1).partitions(12).lag(50), 6, "rounded up to 6, a factor of 12 partitions"),
                new Case("inside the tolerance the count holds", b -> b, 10,
                        Obs.at(1).partitions(20).lag(105), 10, "within tolerance 10%"),
                new Case("beyond the tolerance the count follows", b -> b, 10,
                        Obs.at(1).partitions(20).lag(115), 12, "-> 12"),
                new Case("no dead zone below the cap (KEDA strands this at 30)", b -> b, 30,
                        Obs.at(1).partitions(32).lag(1_000_000), 32, "capped at 32 partitions"),
                new Case("lag at the activation threshold keeps zero", b -> b.activationLagThreshold(10), 0,
                        Obs.at(1).partitions(4).lag(10), 0, "idle: lag 10 <= activation threshold 10"),
                new Case("lag above the activation threshold activates", b -> b.activationLagThreshold(10), 0,
                        Obs.at(1).partitions(4).lag(11), 2, "activating: lag 11 > activation threshold 10"),
                new Case("maxReplicas bounds the desire", b -> b.maxReplicas(5), 1,
                        Obs.at(1).partitions(32).lag(1000), 5, "-> 5; limited to maxReplicas 5"),
                new Case("minReplicas bounds the desire", b -> b.minReplicas(3), 4,
                        Obs.at(1).partitions(32).lag(5), 3, "-> 3; raised to minReplicas 3"));
    }

    @ParameterizedTest
    @MethodSource("kedaParity")
    void followsKedaSemantics(Case c) {
        PolicySpec spec = c.spec().apply(threshold()).build();
        Decision d = ScalingPolicy.decide(spec, c.obs().build(), WorkloadState.initial(c.current()), Obs.t(1));
        assertThat(d.desiredReplicas()).as(d.reason()).isEqualTo(c.expected());
        assertThat(d.reason()).contains(c.reasonContains());
    }

    @Test
    void excludePersistentLagIgnoresPartitionsWhoseCommitDidNotMove() {
        Driver driver = new Driver(threshold().lagThreshold(50).excludePersistentLag(true).build(), 1);
        Decision first = driver.tick(Obs.at(1).lags(100, 0, 0, 0).endTotal(4000));
        assertThat(first.reason()).startsWith("lag 100 over 4 partitions");
        assertThat(first.desiredReplicas()).isEqualTo(2);

        Decision stuck = driver.tick(Obs.at(2).lags(100, 0, 0, 0).endTotal(4000));
        assertThat(stuck.reason()).startsWith("lag 0 (100 with persistent lag) over 4 partitions");

        // The commit moved on partition 0 (end and lag both grew by 10, so committed stayed): still persistent.
        // Now it moves: end grows by 4 per partition and lag stays, so every committed offset advanced.
        Decision moving = driver.tick(Obs.at(3).lags(100, 0, 0, 0).endTotal(4016));
        assertThat(moving.reason()).startsWith("lag 100 over 4 partitions");
    }

    @Test
    void persistentLagStillActivatesAnIdleWorkload() {
        Driver driver = new Driver(threshold().excludePersistentLag(true).build(), 0);
        driver.tick(Obs.at(1).lags(100, 0, 0, 0).endTotal(4000));
        driver.state = driver.state.withCurrentReplicas(0); // the activation did not happen (say, the scale failed)
        Decision d = driver.tick(Obs.at(2).lags(100, 0, 0, 0).endTotal(4000));
        assertThat(d.desiredReplicas()).isPositive();
        assertThat(d.reason()).contains("activating: lag 100");
    }

    @Test
    void shareGroupsAreNotCappedByPartitions() {
        PolicySpec spec = threshold().groupKind(GroupKind.SHARE).maxReplicas(40).build();
        Decision d = ScalingPolicy.decide(spec, Obs.at(1).partitions(4).lag(300).build(), WorkloadState.initial(1), Obs.t(1));
        assertThat(d.desiredReplicas()).isEqualTo(30);
    }

    @Test
    void nextFactorIsTheSmallestDivisorAtLeastTheDesire() {
        assertThat(ScalingPolicy.nextFactor(12, 5)).isEqualTo(6);
        assertThat(ScalingPolicy.nextFactor(12, 4)).isEqualTo(4);
        assertThat(ScalingPolicy.nextFactor(7, 2)).isEqualTo(7);
        assertThat(ScalingPolicy.nextFactor(12, 0)).isEqualTo(1);
        assertThat(ScalingPolicy.nextFactor(12, 13)).isEqualTo(12);
    }
}
