package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The deadline drain mode states must hold: the count is the cheapest whose effective capacity (the busiest member
 * sets the pace) meets the need, and it never drops below that while the backlog is over the deadline. Numbers from
 * {@code ebb demo}: 8 partitions, about 100 records/s per worker, drain within 20 s.
 */
class DeadlineTest {

    private static PolicySpec demoSpec() {
        return PolicySpec.builder().maxReplicas(8).perReplicaRate(100).drainWithin(Duration.ofSeconds(20))
                .readyDelay(Duration.ofSeconds(5)).commitInterval(Duration.ofMillis(500))
                .cooldown(Duration.ofSeconds(10)).build();
    }

    @Test
    void keepsTheCountTheDeadlineNeedsInsteadOfOneAsSlowAsCeilNeed() {
        // 11,666 records of lag at 50/s: (50 + 11,666 / 20) / 100 = 6.3 members. 4 to 7 members on 8 partitions all
        // do the work of 4 (two partitions on the busiest); only 8 do the work of 6.3. The policy went 8 -> 4 here.
        Driver driver = new Driver(demoSpec(), 8);
        driver.tick(Obs.at(1).partitions(8).lag(11_666).arrivals(50).members(8));
        Decision d = driver.tick(Obs.at(2).partitions(8).lag(11_666).arrivals(50).members(8));
        assertThat(d.desiredReplicas()).as(d.reason()).isEqualTo(8);
        assertThat(d.reason()).contains("-> 8");
    }

    @Test
    void scalesUpToACountThatMeetsTheNeedNotOneAsSlowAsItsCeiling() {
        Driver driver = new Driver(demoSpec(), 2);
        driver.tick(Obs.at(1).partitions(8).lag(11_666).arrivals(50).members(2));
        Decision d = driver.tick(Obs.at(2).partitions(8).lag(11_666).arrivals(50).members(2));
        // Projected to when new replicas are ready, the need is above 6: every count below 8 does the work of 4.
        assertThat(d.desiredReplicas()).as(d.reason()).isEqualTo(8);
        assertThat(d.reason()).contains("rounded up to 8: at most 1 partitions per member");
    }

    @Test
    void neverScalesDownBelowTheDeadlineWhileTheBacklogIsOverIt() {
        // A backlog that 8 members clear in ~16 s and 4 members only in ~34 s: 12,000 records, then 50/s.
        GroupModel model = new GroupModel(8, 100, 5, 2, 0.5, 1, t -> t < 3 ? 4000 : 50, 8);
        PolicySpec spec = demoSpec();
        double clearedAt = Double.NaN;
        int fewest = Integer.MAX_VALUE;
        while (model.now() < 60) {
            model.run(spec, 1);
            if (model.backlog() > 50 * 1.0 + 1 && Double.isNaN(clearedAt)) {
                // Capacity the backlog still needs to meet its deadline: count only while over what 4 could drain.
                double secondsLeftAt4 = model.backlog() / (4 * 100 - 50);
                if (secondsLeftAt4 > 20 - (model.now() - 3)) {
                    fewest = Math.min(fewest, model.replicas());
                }
            } else if (Double.isNaN(clearedAt) && model.now() > 3) {
                clearedAt = model.now();
            }
        }
        assertThat(fewest).as("fewest replicas while 4 would miss the deadline").isEqualTo(8);
        assertThat(clearedAt).as("backlog cleared at, s (burst ended at 3 s, deadline 20 s)").isLessThanOrEqualTo(3 + 20);
    }

    @Test
    void onThirtyTwoPartitionsANeedOfTwelvePointNineIsSixteenMembers() {
        // 13 to 15 members on 32 partitions do the work of 10.7: the cheapest count doing at least 12.9 is 16.
        PolicySpec spec = PolicySpec.builder().maxReplicas(32).perReplicaRate(1000).commitInterval(Duration.ZERO)
                .readyDelay(Duration.ZERO).build();
        Decision d = ScalingPolicy.decide(spec, Obs.at(1).partitions(32).lag(87_000).arrivals(10_000).build(),
                WorkloadState.initial(11), Obs.t(1));
        assertThat(d.desiredReplicas()).as(d.reason()).isEqualTo(16);
    }
}
