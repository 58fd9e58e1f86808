package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Missing and stale data hold the count, never scale to zero, and apply KEDA's fallback after N failures. */
class UnavailableTest {

    private static PolicySpec.Builder spec() {
        return PolicySpec.builder().maxReplicas(20).perReplicaRate(1000).commitInterval(Duration.ZERO)
                .readyDelay(Duration.ZERO).cooldown(Duration.ofSeconds(60));
    }

    @Test
    void holdsTheCurrentCountWhenLagIsUnavailable() {
        Driver driver = new Driver(spec().build(), 4);
        Decision d = driver.tick(Obs.unavailable(1));
        assertThat(d.desiredReplicas()).isEqualTo(4);
        assertThat(d.kind()).isEqualTo(DecisionKind.UNAVAILABLE);
        assertThat(d.reason()).isEqualTo("lag unavailable (group orders at localhost:9092: timeout), failure 1, holding 4");
        assertThat(d.next().failures()).isEqualTo(1);
    }

    @Test
    void neverScalesToZeroOnMissingData() {
        Driver driver = new Driver(spec().build(), 1);
        driver.hold(1, 50, t -> Obs.at(t).partitions(8).lag(0).arrivals(0));
        for (int t = 51; t <= 200; t++) {
            assertThat(driver.tick(Obs.unavailable(t)).desiredReplicas()).as("t=%d", t).isEqualTo(1);
        }
        // Back with quiet data: the cooldown starts over, so zero only after another full minute.
        Decision back = driver.hold(201, 260, t -> Obs.at(t).partitions(8).lag(0).arrivals(0));
        assertThat(back.desiredReplicas()).isEqualTo(1);
        assertThat(driver.tick(Obs.at(261).partitions(8).lag(0).arrivals(0)).desiredReplicas()).isZero();
    }

    @Test
    void aStaleObservationCountsAsMissing() {
        Driver driver = new Driver(spec().staleAfter(Duration.ofSeconds(60)).build(), 3);
        Decision d = driver.tickAt(Obs.t(200), Obs.at(100).partitions(8).lag(0).arrivals(0).build());
        assertThat(d.desiredReplicas()).isEqualTo(3);
        assertThat(d.kind()).isEqualTo(DecisionKind.UNAVAILABLE);
        assertThat(d.reason()).contains("lag observation is stale (100s old, limit 1m)");
    }

    record FallbackCase(String name, FallbackBehavior behavior, int current, int replicas, int expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<FallbackCase> behaviors() {
        return Stream.of(
                new FallbackCase("static applies the fallback count", FallbackBehavior.STATIC, 4, 6, 6),
                new FallbackCase("currentReplicas keeps the count", FallbackBehavior.CURRENT_REPLICAS, 4, 6, 4),
                new FallbackCase("currentReplicasIfHigher keeps a higher count", FallbackBehavior.CURRENT_REPLICAS_IF_HIGHER, 8, 6, 8),
                new FallbackCase("currentReplicasIfHigher raises a lower count", FallbackBehavior.CURRENT_REPLICAS_IF_HIGHER, 4, 6, 6),
                new FallbackCase("currentReplicasIfLower keeps a lower count", FallbackBehavior.CURRENT_REPLICAS_IF_LOWER, 4, 6, 4),
                new FallbackCase("currentReplicasIfLower lowers a higher count", FallbackBehavior.CURRENT_REPLICAS_IF_LOWER, 8, 6, 6));
    }

    @ParameterizedTest
    @MethodSource("behaviors")
    void appliesTheFallbackAfterTheFailureThreshold(FallbackCase c) {
        Driver driver = new Driver(spec().fallback(new Fallback(3, c.replicas(), c.behavior())).build(), c.current());
        assertThat(driver.tick(Obs.unavailable(1)).desiredReplicas()).isEqualTo(c.current());
        Decision second = driver.tick(Obs.unavailable(2));
        assertThat(second.desiredReplicas()).isEqualTo(c.current());
        assertThat(second.reason()).contains("failure 2 of 3");
        Decision third = driver.tick(Obs.unavailable(3));
        assertThat(third.kind()).isEqualTo(DecisionKind.FALLBACK);
        assertThat(third.desiredReplicas()).isEqualTo(c.expected());
        assertThat(third.reason()).contains("3 failures in a row (threshold 3), fallback " + c.behavior().yamlName());
    }

    @Test
    void aSuccessfulObservationResetsTheFailureCount() {
        Driver driver = new Driver(spec().fallback(Fallback.of(3, 6)).build(), 4);
        driver.tick(Obs.unavailable(1));
        driver.tick(Obs.unavailable(2));
        Decision ok = driver.tick(Obs.at(3).partitions(8).lag(0).arrivals(4000));
        assertThat(ok.next().failures()).isZero();
        assertThat(driver.tick(Obs.unavailable(4)).desiredReplicas()).isEqualTo(4);
        assertThat(driver.tick(Obs.unavailable(5)).desiredReplicas()).isEqualTo(4);
    }

    @Test
    void theFallbackRespectsMinReplicas() {
        Driver driver = new Driver(spec().minReplicas(3).fallback(Fallback.of(1, 2)).build(), 5);
        assertThat(driver.tick(Obs.unavailable(1)).desiredReplicas()).isEqualTo(3);
    }
}
