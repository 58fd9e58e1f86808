package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Drain mode with a time-lag SLO ({@code maxTimeLag}) spends the SLO's budget instead of the deadline's margin: it
 * rides one capacity level below arrivals while the time lag stays a ready delay below the SLO, it never scales
 * down within a ready delay of the SLO, and a backlog already over the SLO is due at once.
 */
class SloBudgetTest {

    /** The simulator's standard settings with an explicit 10 s scale-down window (independent of the default). */
    private static PolicySpec withSlo() {
        return GroupModel.standardSpec().toBuilder().scaleDownWindow(Duration.ofSeconds(10)).build();
    }

    @Test
    void ridesOneCapacityLevelBelowArrivalsWithinTheSlo() {
        // 12,000/s on 32 partitions: 11 members do 10,667/s, the next faster count is 16 (16,000/s).
        GroupModel riding = GroupModel.standard(t -> 12000, 16);
        riding.run(withSlo(), 900);
        assertThat(riding.maxTrueAge).as("oldest record age, s").isLessThan(30);
        assertThat(riding.decisions).anyMatch(d -> d.reason().contains("riding the SLO at 11"));
        // Without an SLO the deadline's count holds: 16 throughout.
        GroupModel deadline = GroupModel.standard(t -> 12000, 16);
        deadline.run(withSlo().toBuilder().maxTimeLag(java.util.Optional.empty()).build(), 900);
        assertThat(deadline.replicas()).isEqualTo(16);
        assertThat(deadline.decisions).noneMatch(d -> d.reason().contains("riding"));
        // Riding costs less than 16 all the time, changes seldom (each change pauses the group), and keeps the SLO.
        assertThat(riding.replicaSeconds).isLessThan(deadline.replicaSeconds * 0.9);
        assertThat(riding.changes).as("changes in 15 min (about one ride every 100 s)").isLessThanOrEqualTo(20);
    }

    @Test
    void doesNotRideWhereTheFasterLevelIsCloseToArrivals() {
        // 5,500/s: 7 members do 6,400/s (16 % above arrivals), 6 do 5,333/s. Two membership changes per ride would
        // cost more than the ride saves: 7 hold.
        GroupModel model = GroupModel.standard(t -> 5500, 7);
        model.run(withSlo(), 600);
        assertThat(model.replicas()).isEqualTo(7);
        assertThat(model.changes).isZero();
    }

    @Test
    void noScaleDownWithinAReadyDelayOfTheSlo() {
        // After a burst: arrivals are back to 512/s, the backlog of 149,000 is the burst's, its oldest record 21 s
        // old. The need is (512 + 149,000 / 30) / 1,000 = 5.5, but capacity removed now could not come back within
        // the 9 s left before the 30 s SLO (ready delay 12 s).
        Driver driver = new Driver(withSlo(), 32);
        Decision d = null;
        for (int t = 1; t <= 3; t++) {
            d = driver.tick(Obs.at(t).partitions(32).lag(149_000).arrivals(512).timeLag(21).members(32));
        }
        assertThat(d.desiredReplicas()).as(d.reason()).isEqualTo(32);
        assertThat(d.reason()).contains("no scale-down: time lag 21s is within the ready delay (12s) of the 30s SLO");
        // With the oldest record 10 s old the same backlog may shrink the group.
        Driver young = new Driver(withSlo(), 32);
        for (int t = 1; t <= 3; t++) {
            d = young.tick(Obs.at(t).partitions(32).lag(149_000).arrivals(512).timeLag(10).members(32));
        }
        assertThat(d.desiredReplicas()).as(d.reason()).isLessThan(32);
    }

    @Test
    void aBacklogOverTheSloIsDueAtOnce() {
        // A dump that stopped arriving: 147,000 records, no arrivals, the oldest 80 s old. drainWithin alone asks for
        // 147,000 / 30 / 1,000 = 4.9 -> 6; the SLO is missed already, so the most capacity that helps: 32.
        Driver driver = new Driver(withSlo(), 32);
        Decision d = null;
        for (int t = 1; t <= 3; t++) {
            d = driver.tick(Obs.at(t).partitions(32).lag(147_000).arrivals(0).timeLag(80).members(32));
        }
        assertThat(d.desiredReplicas()).as(d.reason()).isEqualTo(32);
        assertThat(d.reason()).contains("over the 30s SLO: the backlog is due now");
    }

    @Test
    void anUnknownTimeLagIsBoundedByThePolicysOwnSamples() {
        // The lag source no longer knows the age (the oldest record predates its history): 40 polls without arrivals
        // and a backlog that was there all along bound it from below by 40 s, over the 30 s SLO.
        Driver driver = new Driver(withSlo(), 32);
        Decision d = null;
        for (int t = 1; t <= 41; t++) {
            d = driver.tick(Obs.at(t).partitions(32).lag(147_000 - t).arrivals(0).members(32));
        }
        assertThat(d.desiredReplicas()).as(d.reason()).isEqualTo(32);
        assertThat(d.reason()).contains("time lag at least");
    }
}
