package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.WorkloadState.Awaiting;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The ready delay the policy plans with grows to what the group showed: a scale-up is timed from the decision to the
 * observation whose member count reaches the count asked for. It never plans with less than the operator's prior.
 */
class ReadyDelayTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static WorkloadState awaiting(int members, Optional<Duration> observed) {
        WorkloadState s = WorkloadState.initial(members);
        return new WorkloadState(s.currentReplicas(), s.learnedRate(), s.lastChangeAt(), s.starting(), s.desires(),
                s.quietSince(), s.failures(), s.lastObservationAt(), s.samples(), s.committed(),
                s.lastMembershipChangeAt(), Optional.of(new Awaiting(T0, members)), observed);
    }

    @Test
    void aScaleUpIsTimedFromTheAskToTheObservationThatShowsAllItsMembers() {
        WorkloadState state = awaiting(8, Optional.empty());
        ReadyDelay.Learned early = ReadyDelay.observe(state, OptionalInt.of(5), T0.plusSeconds(9));
        assertThat(early.awaiting()).as("3 of 8 still missing").isPresent();
        assertThat(early.observed()).isEmpty();

        ReadyDelay.Learned joined = ReadyDelay.observe(state, OptionalInt.of(8), T0.plusSeconds(23));
        assertThat(joined.awaiting()).isEmpty();
        assertThat(joined.observed()).contains(Duration.ofSeconds(23));
    }

    @Test
    void plansWithTheLongerOfThePriorAndWhatWasObserved() {
        PolicySpec spec = PolicySpec.builder().readyDelay(Duration.ofSeconds(10)).build();
        assertThat(ReadyDelay.effective(spec, Optional.empty())).isEqualTo(Duration.ofSeconds(10));
        assertThat(ReadyDelay.effective(spec, Optional.of(Duration.ofSeconds(23)))).isEqualTo(Duration.ofSeconds(23));
        assertThat(ReadyDelay.effective(spec, Optional.of(Duration.ofSeconds(4))))
                .as("faster than the prior: the prior stays, a short delay would cost the SLO if it is luck")
                .isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void learnsNothingWithoutAMemberCount() {
        WorkloadState state = awaiting(8, Optional.of(Duration.ofSeconds(15)));
        ReadyDelay.Learned l = ReadyDelay.observe(state, OptionalInt.empty(), T0.plusSeconds(30));
        assertThat(l.awaiting()).isEqualTo(state.awaiting());
        assertThat(l.observed()).contains(Duration.ofSeconds(15));
    }

    @Test
    void aScaleUpThatNeverCompletesIsForgottenNotLearned() {
        WorkloadState state = awaiting(8, Optional.of(Duration.ofSeconds(15)));
        ReadyDelay.Learned l = ReadyDelay.observe(state, OptionalInt.of(4),
                T0.plus(ReadyDelay.GIVE_UP).plusSeconds(1));
        assertThat(l.awaiting()).isEmpty();
        assertThat(l.observed()).as("the last real observation stays").contains(Duration.ofSeconds(15));
    }

    @Test
    void aScaleDownBelowTheAwaitedCountEndsTheWait() {
        Optional<Awaiting> up = ReadyDelay.afterChange(Optional.empty(), 2, 8, T0);
        assertThat(up).contains(new Awaiting(T0, 8));
        assertThat(ReadyDelay.afterChange(up, 8, 5, T0.plusSeconds(3))).as("8 will not be reached").isEmpty();
        assertThat(ReadyDelay.afterChange(up, 8, 8, T0.plusSeconds(3))).isEqualTo(up);
        // a newer scale-up is timed from its own ask
        assertThat(ReadyDelay.afterChange(up, 8, 12, T0.plusSeconds(5))).contains(new Awaiting(T0.plusSeconds(5), 12));
        // the target reporting fewer replicas than awaited (someone scaled it down) ends it too
        assertThat(awaiting(8, Optional.empty()).withCurrentReplicas(3).awaiting()).isEmpty();
    }

    @Test
    void thePolicyPlansNewReplicasWithTheDelayTheGroupShowed() {
        // Prior 5 s; the replicas really take 20 s to join. After one observed scale-up, the next one is expected
        // ready 20 s after it is asked for, and the drain explanation says so.
        PolicySpec spec = PolicySpec.builder().mode(Mode.DRAIN).maxReplicas(32).perReplicaRate(1000)
                .readyDelay(Duration.ofSeconds(5)).build();
        Driver driver = new Driver(spec, 1);
        Decision d = driver.tick(Obs.at(1).partitions(32).lag(6_000).arrivals(3_000).timeLag(2).members(1));
        assertThat(d.desiredReplicas()).as(d.reason()).isGreaterThan(1);
        int asked = d.desiredReplicas();
        assertThat(d.next().awaiting()).contains(new Awaiting(Obs.t(1), asked));
        for (int t = 2; t <= 20; t++) {
            d = driver.tick(Obs.at(t).partitions(32).lag(6_000 + 100L * t).arrivals(3_000).timeLag(3).members(1));
            assertThat(d.next().observedReadyDelay()).as("not all joined yet").isEmpty();
        }
        d = driver.tick(Obs.at(21).partitions(32).lag(4_000).arrivals(3_000).timeLag(2).members(asked));
        assertThat(d.next().observedReadyDelay()).contains(Duration.ofSeconds(20));
        assertThat(d.next().awaiting()).isEmpty();
        // A burst now: the new replicas are planned 20 s out, not 5 s.
        d = driver.tick(Obs.at(22).partitions(32).lag(200_000).arrivals(20_000).timeLag(3).members(asked));
        assertThat(d.desiredReplicas()).as(d.reason()).isGreaterThan(asked);
        assertThat(d.reason()).contains("when new replicas are ready in 20s");
        assertThat(d.next().starting()).anyMatch(st -> st.readyAt().equals(Obs.t(22).plusSeconds(20)));
    }
}
