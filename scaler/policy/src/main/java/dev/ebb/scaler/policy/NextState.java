package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.WorkloadState.Desire;
import dev.ebb.scaler.policy.WorkloadState.PartitionKey;
import dev.ebb.scaler.policy.WorkloadState.Starting;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** The {@link WorkloadState} a decision hands to the next tick: what this tick learned, and the count it set. */
final class NextState {
    private NextState() {
    }

    /**
     * The state after a tick on a fresh observation, before the count changes: the estimate's samples and rate, the
     * desires within the scale-down window plus this tick's {@code desire}, no failures.
     */
    static WorkloadState observed(PolicySpec spec, Estimate e, WorkloadState state, Optional<Instant> quietSince,
                                  Optional<Desire> desire, Instant now) {
        List<Desire> desires = new ArrayList<>();
        Instant keepFrom = now.minus(spec.scaleDownWindow());
        for (Desire d : state.desires()) {
            if (!d.at().isBefore(keepFrom)) {
                desires.add(d);
            }
        }
        desire.ifPresent(desires::add);
        Map<PartitionKey, Long> committed = spec.excludePersistentLag() ? e.keda().committed() : Map.of();
        OptionalDouble learned = e.rateLearned() ? OptionalDouble.of(e.rate()) : OptionalDouble.empty();
        return new WorkloadState(e.current(), learned, state.lastChangeAt(), e.starting(), desires, quietSince, 0,
                Optional.of(e.at()), e.samples(), committed, membershipChangedAt(state, now), e.readyWatch().awaiting(),
                e.readyWatch().observed());
    }

    /** {@code base} after a failed or stale observation: one more failure, and unknown activity ends the quiet. */
    static WorkloadState failed(WorkloadState state, Instant now) {
        return new WorkloadState(state.currentReplicas(), state.learnedRate(), state.lastChangeAt(),
                live(state.starting(), now), state.desires(), Optional.empty(), state.failures() + 1,
                state.lastObservationAt(), state.samples(), state.committed(), membershipChangedAt(state, now),
                state.awaiting(), state.observedReadyDelay());
    }

    /** {@code base} after the count changed to {@code target} at {@code now}. */
    static WorkloadState changed(WorkloadState base, PolicySpec spec, int target, Instant now) {
        int current = base.currentReplicas();
        if (target == current) {
            return base;
        }
        List<Starting> starting = live(base.starting(), now);
        Optional<Instant> membershipChange = base.lastMembershipChangeAt();
        if (target > current) {
            Duration readyDelay = ReadyDelay.effective(spec, base.observedReadyDelay());
            if (!readyDelay.isZero()) {
                starting.add(new Starting(now.plus(readyDelay), target - current));
            } else {
                membershipChange = Optional.of(now);
            }
        } else {
            int startingCount = starting.stream().mapToInt(Starting::count).sum();
            if (current - target > startingCount) {
                membershipChange = Optional.of(now); // ready consumers leave the group
            }
            starting = WorkloadState.trimStarting(starting, startingCount - (current - target));
        }
        return new WorkloadState(target, base.learnedRate(), Optional.of(now), starting, base.desires(),
                base.quietSince(), base.failures(), base.lastObservationAt(), base.samples(), base.committed(),
                membershipChange, ReadyDelay.afterChange(base.awaiting(), current, target, now),
                base.observedReadyDelay());
    }

    /** Live starting replicas only. */
    static List<Starting> live(List<Starting> starting, Instant now) {
        List<Starting> kept = new ArrayList<>();
        for (Starting s : starting) {
            if (s.readyAt().isAfter(now)) {
                kept.add(s);
            }
        }
        return kept;
    }

    /** The latest membership change up to {@code now}: replicas that became ready since count as one. */
    static Optional<Instant> membershipChangedAt(WorkloadState state, Instant now) {
        Optional<Instant> latest = state.lastMembershipChangeAt();
        for (Starting s : state.starting()) {
            if (!s.readyAt().isAfter(now) && (latest.isEmpty() || s.readyAt().isAfter(latest.get()))) {
                latest = Optional.of(s.readyAt());
            }
        }
        return latest;
    }
}
