package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.Bounds.Bounded;
import dev.ebb.scaler.policy.Damping.Damped;
import dev.ebb.scaler.policy.WorkloadState.Desire;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The scaling policy: one pure, deterministic step from (spec, observation, state, now) to a {@link Decision}.
 * This class is the façade; each stage of the pipeline is a class of its own (see {@code package-info.java}):
 * <b>estimate</b> ({@link Estimate}, {@link Activity}) → <b>desire</b> ({@link ThresholdDesire} or
 * {@link DrainDesire}) → <b>bound</b> ({@link Bounds}) → <b>damp</b> ({@link Damping}) → <b>explain</b>
 * ({@link Explain}). Observations that cannot be used (invalid spec, missing, stale or repeated data) stop before the
 * pipeline. See {@code scaler/POLICY.md} for the rules and their reasons.
 */
public final class ScalingPolicy {

    private ScalingPolicy() {
    }

    /**
     * Decides the replica count for one workload.
     *
     * @param spec the workload's policy settings; an invalid spec holds the current count
     * @param obs what this tick's poll saw
     * @param state what the policy remembered from the previous tick ({@link WorkloadState#initial(int)} at first)
     * @param now the tick's time; the policy reads no clock
     */
    public static Decision decide(PolicySpec spec, Observation obs, WorkloadState state, Instant now) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(obs, "obs");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(now, "now");
        int current = state.currentReplicas();
        List<String> problems = spec.validate();
        if (!problems.isEmpty()) {
            return new Decision(current, "invalid policy, holding " + current + ": " + String.join("; ", problems),
                    state, DecisionKind.INVALID_SPEC, current);
        }
        if (obs instanceof Observation.Unavailable u) {
            return unavailable(spec, state, now, "lag unavailable (" + u.reason() + ")");
        }
        Observation.Lag lag = (Observation.Lag) obs;
        Duration age = Duration.between(lag.at(), now);
        if (age.compareTo(spec.staleAfter()) > 0) {
            return unavailable(spec, state, now, "lag observation is stale (" + Text.duration(age) + " old, limit "
                    + Text.duration(spec.staleAfter()) + ")");
        }
        if (state.lastObservationAt().isPresent() && !lag.at().isAfter(state.lastObservationAt().get())) {
            return new Decision(current, "no new observation since " + state.lastObservationAt().get()
                    + ", holding " + current, state, DecisionKind.HOLD, current);
        }
        return pipeline(spec, Estimate.of(spec, lag, state, now), state, now);
    }

    /** The stages on a usable observation, estimated as {@code e}. */
    private static Decision pipeline(PolicySpec spec, Estimate e, WorkloadState state, Instant now) {
        Activity activity = Activity.of(spec, e, state, now);
        // Every stage is pure: the desire is computed once, whether or not the idle rules below use it.
        Desired desired = Desired.of(spec, e);
        Bounded bounded = Bounds.bounded(spec, Bounds.partitions(spec, e), desired.replicas());
        Tick tick = new Tick(spec, e, state, now, activity, Inputs.of(spec, e, desired));
        int current = e.current();
        int idle = spec.idleCount();
        Desire desire = new Desire(now, desired.replicas());
        if (current <= idle && current < spec.activeFloor()) {
            if (!activity.active()) {
                DecisionKind kind = idle == current ? DecisionKind.HOLD
                        : idle > current ? DecisionKind.SCALE_UP : DecisionKind.TO_ZERO;
                return tick.decision(idle, kind, Explain.idle(spec, activity, idle), Optional.empty());
            }
            return tick.decision(bounded.replicas(), DecisionKind.ACTIVATE,
                    Explain.activating(spec, activity, desired, bounded), Optional.of(desire));
        }
        if (idle < current && activity.cooledDown(spec, now)) {
            return tick.decision(idle, DecisionKind.TO_ZERO, Explain.cooledDown(spec, activity, now, idle),
                    Optional.empty());
        }
        Damped damped = Damping.damp(spec, e, state, desired, bounded.replicas(), now);
        return tick.decision(damped.target(), damped.kind(), Explain.damped(desired, bounded, damped, current),
                damped.recordsDesire() ? Optional.of(desire) : Optional.empty());
    }

    /** What every decision on a usable observation shares; {@link #decision} builds one. */
    private record Tick(PolicySpec spec, Estimate e, WorkloadState state, Instant now, Activity activity,
                        Inputs inputs) {
        Decision decision(int target, DecisionKind kind, String reason, Optional<Desire> desire) {
            WorkloadState base = NextState.observed(spec, e, state, activity.quietSince(), desire, now);
            int current = e.current();
            DecisionKind finalKind = target == current && kind != DecisionKind.HOLD ? DecisionKind.HOLD : kind;
            return new Decision(target, reason, NextState.changed(base, spec, target, now), finalKind, current,
                    Optional.of(inputs));
        }
    }

    private static Decision unavailable(PolicySpec spec, WorkloadState state, Instant now, String why) {
        int current = state.currentReplicas();
        WorkloadState next = NextState.failed(state, now);
        int failures = next.failures();
        Optional<Fallback> fallback = spec.fallback();
        if (fallback.isPresent() && failures >= fallback.get().failureThreshold()) {
            Fallback f = fallback.get();
            int target = f.apply(current);
            if (target > 0) {
                target = Math.max(spec.activeFloor(), Math.min(spec.maxReplicas(), target));
            }
            String reason = why + ", " + failures + " failures in a row (threshold " + f.failureThreshold()
                    + "), fallback " + f.behavior().yamlName() + " " + f.replicas() + " -> " + target;
            return new Decision(target, reason, NextState.changed(next, spec, target, now), DecisionKind.FALLBACK,
                    current);
        }
        String count = fallback.map(f -> ", failure " + failures + " of " + f.failureThreshold())
                .orElse(", failure " + failures);
        return new Decision(current, why + count + ", holding " + current, next, DecisionKind.UNAVAILABLE, current);
    }

    /** The smallest factor of {@code partitions} that is at least {@code replicas}, as KEDA's even distribution. */
    static int nextFactor(int partitions, int replicas) {
        return ThresholdDesire.nextFactor(partitions, replicas);
    }
}
