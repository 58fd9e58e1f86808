package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.WorkloadState.Desire;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Stage 4 of the policy, <b>damp</b>: from the bounded desire to the count to apply now. Scale-ups pass unless the
 * need is within the tolerance band, limited to {@code scaleUpMaxStep}; scale-downs take the highest desire within
 * {@code scaleDownWindow} (stabilization), wait for a known arrival rate (drain mode) and a settled group
 * ({@code rebalanceGrace}), respect the tolerance band (threshold mode) and {@code scaleDownMaxStep}. A count above
 * the bounds goes down at once.
 */
final class Damping {
    private Damping() {
    }

    /**
     * The count to apply.
     *
     * @param target the count
     * @param kind what it does (before a no-change becomes {@link DecisionKind#HOLD})
     * @param why the damping rule that set it, for the reason
     * @param recordsDesire whether the desire counts for later stabilization
     */
    record Damped(int target, DecisionKind kind, Why why, boolean recordsDesire) {
    }

    /** The rule that set the count. */
    sealed interface Why permits AboveBound, UpWithinTolerance, Up, Stabilizing, ArrivalsUnknown, Rebalancing,
            DownWithinTolerance, Down, Steady {
    }

    /** The current count is above the bounds' top: down to it at once. */
    record AboveBound(int top) implements Why {
    }

    /** Holding: the need is within the tolerance band of the current count. */
    record UpWithinTolerance(double tolerance) implements Why {
    }

    /** Scaling up; {@code limitedTo}: the step limit that bound. */
    record Up(OptionalInt limitedTo) implements Why {
    }

    /** Holding: the highest desire within the window is the current count or more. */
    record Stabilizing(Duration window, int highest) implements Why {
    }

    /** Holding: drain mode does not scale down before it knows the arrival rate. */
    record ArrivalsUnknown() implements Why {
    }

    /** Holding: the group is still rebalancing after the last change. */
    record Rebalancing(Duration since, OptionalInt members, int starting, Duration grace) implements Why {
    }

    /** Holding (threshold mode): the need is within the tolerance band; {@code stabilized}: the count it would take. */
    record DownWithinTolerance(double tolerance, int stabilized) implements Why {
    }

    /**
     * Scaling down; {@code limitedTo}: the step limit that bound; {@code stabilizedWithin}: the window whose highest
     * desire kept the count above the desire.
     */
    record Down(OptionalInt limitedTo, Optional<Duration> stabilizedWithin) implements Why {
    }

    /** The desire is the current count. */
    record Steady() implements Why {
    }

    static Damped damp(PolicySpec spec, Estimate e, WorkloadState state, Desired desired, int wanted, Instant now) {
        int current = e.current();
        int partitions = Bounds.partitions(spec, e);
        int top = Bounds.top(spec, partitions);
        if (current > top) {
            // Bounds are not subject to damping: replicas above the maximum or the partition count are waste.
            return new Damped(top, DecisionKind.SCALE_DOWN, new AboveBound(top), true);
        }
        if (wanted > current) {
            return up(spec, e, desired, wanted);
        }
        if (wanted < current) {
            return down(spec, e, state, desired, wanted, now, partitions);
        }
        return new Damped(current, DecisionKind.HOLD, new Steady(), true);
    }

    private static Damped up(PolicySpec spec, Estimate e, Desired desired, int wanted) {
        int current = e.current();
        // The band never keeps the count below minReplicas. Arrivals slightly above capacity are no exception: the
        // backlog they build soon takes the need beyond the band.
        if (withinTolerance(spec, e, desired) && current >= spec.activeFloor() && !desired.keepingUp()) {
            return new Damped(current, DecisionKind.HOLD, new UpWithinTolerance(spec.tolerance()), true);
        }
        OptionalInt step = spec.scaleUpMaxStep();
        if (step.isPresent() && wanted - current > step.getAsInt()) {
            return new Damped(current + step.getAsInt(), DecisionKind.SCALE_UP, new Up(step), true);
        }
        return new Damped(wanted, DecisionKind.SCALE_UP, new Up(OptionalInt.empty()), true);
    }

    private static Damped down(PolicySpec spec, Estimate e, WorkloadState state, Desired desired, int wanted,
                               Instant now, int partitions) {
        int current = e.current();
        int stabilized = wanted;
        Instant from = now.minus(spec.scaleDownWindow());
        for (Desire d : state.desires()) {
            if (!d.at().isBefore(from)) {
                stabilized = Math.max(stabilized, Bounds.bound(spec, partitions, d.replicas()));
            }
        }
        int target = Math.min(current, stabilized);
        if (target == current) {
            return new Damped(current, DecisionKind.HOLD, new Stabilizing(spec.scaleDownWindow(), stabilized), true);
        }
        if (spec.mode() == Mode.DRAIN && !e.arrivalsKnown()) {
            return new Damped(current, DecisionKind.HOLD, new ArrivalsUnknown(), false);
        }
        Optional<Rebalancing> rebalancing = rebalancing(spec, e, state, now);
        if (rebalancing.isPresent()) {
            return new Damped(current, DecisionKind.HOLD, rebalancing.get(), true);
        }
        // Threshold mode: the HPA's tolerance band, as KEDA users know it. Drain mode: the stabilization window
        // already damps noise, and a band here would strand a replica of waste (11 for a load of 10).
        if (spec.mode() == Mode.THRESHOLD && withinTolerance(spec, e, desired)) {
            return new Damped(current, DecisionKind.HOLD, new DownWithinTolerance(spec.tolerance(), target), true);
        }
        OptionalInt step = spec.scaleDownMaxStep();
        if (step.isPresent() && current - target > step.getAsInt()) {
            return new Damped(current - step.getAsInt(), DecisionKind.SCALE_DOWN,
                    new Down(step, Optional.empty()), true);
        }
        Optional<Duration> stabilizedWithin = target > wanted ? Optional.of(spec.scaleDownWindow()) : Optional.empty();
        return new Damped(target, DecisionKind.SCALE_DOWN, new Down(OptionalInt.empty(), stabilizedWithin), true);
    }

    /** Whether need and current count differ by no more than the tolerance. */
    static boolean withinTolerance(PolicySpec spec, Estimate e, Desired desired) {
        int current = e.current();
        if (current == 0 || Double.isNaN(desired.need())) {
            return false;
        }
        // Drain mode compares with what the count does, not the count: 6 members on 32 partitions do the work of
        // 5.3, so a need of 5.6 is beyond them, not within 10 % of 6.
        double capacity = spec.mode() == Mode.DRAIN ? e.group().effective(current) : current;
        return Math.abs(desired.need() / capacity - 1) <= spec.tolerance();
    }

    /** Why a scale-down must wait for the group to settle, if it must. */
    static Optional<Rebalancing> rebalancing(PolicySpec spec, Estimate e, WorkloadState state, Instant now) {
        if (state.lastChangeAt().isEmpty()) {
            return Optional.empty();
        }
        Instant since = state.lastChangeAt().get();
        if (!now.isBefore(since.plus(spec.rebalanceGrace()))) {
            return Optional.empty();
        }
        boolean settled = e.starting().isEmpty() && e.members().isPresent()
                && e.members().getAsInt() == e.current();
        if (settled) {
            return Optional.empty();
        }
        return Optional.of(new Rebalancing(Duration.between(since, now), e.members(), e.current() - e.ready(),
                spec.rebalanceGrace()));
    }
}
