package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bounds and damping, both modes: activation, cooldown to zero, stabilization, rebalance awareness, steps, tolerance. */
class DampingTest {

    /** Drain mode with 1,000/s per replica and no commit cadence or cold start, so numbers are easy to follow. */
    private static PolicySpec.Builder spec() {
        return PolicySpec.builder().maxReplicas(32).perReplicaRate(1000).commitInterval(Duration.ZERO)
                .readyDelay(Duration.ZERO);
    }

    /** 120 partitions: every count used here gives each member an equal share, so no partition rounding. */
    private static Obs load(double t, double arrivals, long lag) {
        return Obs.at(t).partitions(120).arrivals(arrivals).lag(lag);
    }

    @Test
    void activatesOutOfZeroWhenLagAppears() {
        Driver driver = new Driver(spec().build(), 0);
        assertThat(driver.tick(load(1, 0, 0)).desiredReplicas()).isZero();
        Decision d = driver.tick(load(2, 100, 500));
        assertThat(d.kind()).isEqualTo(DecisionKind.ACTIVATE);
        assertThat(d.desiredReplicas()).isEqualTo(1);
        assertThat(d.reason()).startsWith("activating: lag 500 > activation threshold 0");
    }

    @Test
    void activatesAFreshGroupThatNeverCommitted() {
        // Under latest, Ebb's lag of a never-committed partition is 0; KEDA's rule (1 per partition) still wakes it.
        Driver driver = new Driver(spec().build(), 0);
        Decision d = driver.tick(Obs.at(1).partitions(4).uncommitted(4).arrivals(50));
        assertThat(d.kind()).isEqualTo(DecisionKind.ACTIVATE);
        assertThat(d.desiredReplicas()).isEqualTo(1);
    }

    @Test
    void scalesToZeroOnlyAfterLagAndArrivalsWereZeroForTheCooldown() {
        Driver driver = new Driver(spec().cooldown(Duration.ofSeconds(60)).build(), 2);
        Decision last = driver.hold(1, 60, t -> load(t, 0, 0));
        assertThat(last.desiredReplicas()).isEqualTo(1);
        Decision zero = driver.tick(load(61, 0, 0));
        assertThat(zero.kind()).isEqualTo(DecisionKind.TO_ZERO);
        assertThat(zero.desiredReplicas()).isZero();
        assertThat(zero.reason()).isEqualTo("lag 0 and no arrivals for 1m (cooldown 1m) -> 0");
    }

    @Test
    void aTrickleThatWorkersKeepUpWithNeverScalesToZero() {
        // Lag reads 0 all the time, but records keep arriving: zero would reactivate with a backlog, over and over.
        Driver driver = new Driver(spec().cooldown(Duration.ofSeconds(60)).build(), 1);
        for (int t = 1; t <= 600; t++) {
            Decision d = driver.tick(load(t, 5, 0));
            assertThat(d.desiredReplicas()).as("t=%d", t).isEqualTo(1);
        }
    }

    @Test
    void anyActivityRestartsTheCooldown() {
        Driver driver = new Driver(spec().cooldown(Duration.ofSeconds(60)).build(), 1);
        driver.hold(1, 50, t -> load(t, 0, 0));
        driver.tick(load(51, 20, 0));
        Decision before = driver.hold(52, 111, t -> load(t, 0, 0));
        assertThat(before.desiredReplicas()).isEqualTo(1);
        assertThat(driver.tick(load(112, 0, 0)).desiredReplicas()).isZero();
    }

    @Test
    void idleReplicasIsTheCountWhileIdle() {
        Driver driver = new Driver(spec().minReplicas(3).idleReplicas(1).cooldown(Duration.ofSeconds(30)).build(), 3);
        driver.hold(1, 30, t -> load(t, 0, 0));
        Decision idle = driver.tick(load(31, 0, 0));
        assertThat(idle.desiredReplicas()).isEqualTo(1);
        assertThat(idle.kind()).isEqualTo(DecisionKind.TO_ZERO);
        Decision active = driver.tick(load(32, 100, 200));
        assertThat(active.kind()).isEqualTo(DecisionKind.ACTIVATE);
        assertThat(active.desiredReplicas()).isEqualTo(3);
    }

    @Test
    void aCountBetweenIdleAndMinimumWithArrivalsRisesToTheMinimum() {
        Driver driver = new Driver(spec().minReplicas(3).idleReplicas(1).build(), 2);
        Decision d = driver.tick(load(1, 50, 0));
        assertThat(d.desiredReplicas()).isEqualTo(3);
        assertThat(d.reason()).contains("raised to minReplicas 3");
    }

    @Test
    void minReplicasWithoutIdleReplicasNeverGoesBelowTheMinimum() {
        Driver driver = new Driver(spec().minReplicas(2).cooldown(Duration.ofSeconds(30)).build(), 2);
        Decision last = driver.hold(1, 600, t -> load(t, 0, 0));
        assertThat(last.desiredReplicas()).isEqualTo(2);
    }

    @Test
    void scaleDownWaitsForTheStabilizationWindow() {
        Driver driver = new Driver(spec().scaleDownWindow(Duration.ofSeconds(30)).build(), 10);
        driver.tick(load(1, 10000, 0));
        for (int t = 2; t <= 30; t++) {
            Decision d = driver.tick(load(t, 2000, 0));
            assertThat(d.desiredReplicas()).as("t=%d %s", t, d.reason()).isEqualTo(10);
        }
        Decision down = driver.tick(load(32, 2000, 0));
        assertThat(down.kind()).isEqualTo(DecisionKind.SCALE_DOWN);
        assertThat(down.desiredReplicas()).isEqualTo(2);
    }

    @Test
    void scaleUpIsImmediate() {
        Driver driver = new Driver(spec().build(), 2);
        driver.tick(load(1, 2000, 0));
        Decision up = driver.tick(load(2, 10000, 0));
        assertThat(up.kind()).isEqualTo(DecisionKind.SCALE_UP);
        assertThat(up.desiredReplicas()).isEqualTo(10);
    }

    @Test
    void noScaleDownUntilTheGroupSettledAfterAChange() {
        Driver driver = new Driver(spec().scaleDownWindow(Duration.ZERO).rebalanceGrace(Duration.ofSeconds(30)).build(), 2);
        driver.tick(load(1, 2000, 0).members(2));
        assertThat(driver.tick(load(2, 10000, 0).members(2)).desiredReplicas()).isEqualTo(10);
        Decision waiting = driver.tick(load(3, 2000, 0).members(4));
        assertThat(waiting.desiredReplicas()).isEqualTo(10);
        assertThat(waiting.reason()).contains("group rebalancing after the change 1s ago (4 members");
        Decision settled = driver.tick(load(4, 2000, 0).members(10));
        assertThat(settled.desiredReplicas()).isEqualTo(2);
    }

    @Test
    void withoutMembershipTheRebalanceGraceMustPass() {
        Driver driver = new Driver(spec().scaleDownWindow(Duration.ZERO).rebalanceGrace(Duration.ofSeconds(30)).build(), 2);
        driver.tick(load(1, 2000, 0));
        driver.tick(load(2, 10000, 0));
        assertThat(driver.hold(3, 31, t -> load(t, 2000, 0)).desiredReplicas()).isEqualTo(10);
        assertThat(driver.tick(load(32, 2000, 0)).desiredReplicas()).isEqualTo(2);
    }

    @Test
    void scaleUpMaxStepLimitsEachDecision() {
        Driver driver = new Driver(spec().scaleUpMaxStep(3).build(), 2);
        driver.tick(load(1, 2000, 0));
        Decision d = driver.tick(load(2, 10000, 0));
        assertThat(d.desiredReplicas()).isEqualTo(5);
        assertThat(d.reason()).endsWith("-> 10; limited to +3 per decision");
    }

    @Test
    void scaleDownMaxStepLimitsEachDecision() {
        Driver driver = new Driver(spec().scaleDownMaxStep(3).scaleDownWindow(Duration.ZERO).build(), 10);
        driver.tick(load(1, 10000, 0));
        Decision d = driver.tick(load(2, 2000, 0));
        assertThat(d.desiredReplicas()).isEqualTo(7);
        assertThat(d.reason()).endsWith("limited to -3 per decision");
    }

    @Test
    void backlogInsideTheToleranceDoesNotAddReplicas() {
        Driver driver = new Driver(spec().build(), 10);
        driver.tick(load(1, 10000, 0));
        // need = (9000 + 45000 / 30) / 1000 = 10.5: 5 % above 10 replicas
        Decision d = driver.tick(load(2, 9000, 45000));
        assertThat(d.desiredReplicas()).isEqualTo(10);
        assertThat(d.reason()).contains("within tolerance 10%");
    }

    @Test
    void arrivalsSlightlyAboveCapacityAddReplicasOnceTheirBacklogLeavesTheBand() {
        Driver driver = new Driver(spec().build(), 10);
        driver.hold(1, 6, t -> load(t, 10000, 0));
        // 5 % more arrivals than 10 replicas consume: inside the band while the backlog is small...
        Decision small = driver.hold(7, 11, t -> load(t, 10500, Math.round(500 * (t - 6))));
        assertThat(small.desiredReplicas()).isEqualTo(10);
        assertThat(small.reason()).contains("within tolerance 10%");
        // ...but once it is 20,000 records the need is (10500 + 20000 / 30) / 1000 = 11.2, beyond the band.
        Decision d = driver.tick(load(12, 10500, 20_000));
        assertThat(d.desiredReplicas()).isEqualTo(12);
    }

    @Test
    void aboveMaxReplicasScalesDownAtOnce() {
        Driver driver = new Driver(spec().maxReplicas(10).build(), 15);
        Decision d = driver.tick(load(1, 15000, 0));
        assertThat(d.desiredReplicas()).isEqualTo(10);
        assertThat(d.kind()).isEqualTo(DecisionKind.SCALE_DOWN);
    }

    @Test
    void holdsOnTheFirstObservationWithoutRates() {
        Driver driver = new Driver(spec().build(), 10);
        Decision d = driver.tick(Obs.at(1).partitions(32).lag(0).noRates());
        assertThat(d.desiredReplicas()).isEqualTo(10);
        assertThat(d.reason()).contains("arrival rate not known yet");
    }

    @Test
    void theRuntimeCorrectsTheCountWhenTheTargetDiffers() {
        Driver driver = new Driver(spec().readyDelay(Duration.ofSeconds(10)).build(), 2);
        driver.tick(load(1, 2000, 0));
        Decision up = driver.tick(load(2, 10000, 0));
        assertThat(up.next().currentReplicas()).isEqualTo(up.desiredReplicas());
        WorkloadState failed = up.next().withCurrentReplicas(2);
        assertThat(failed.currentReplicas()).isEqualTo(2);
        assertThat(failed.startingAt(Obs.t(3))).isZero();
        driver.state = failed;
        assertThat(driver.tick(load(3, 10000, 1000)).desiredReplicas()).isGreaterThan(2);
    }
}
