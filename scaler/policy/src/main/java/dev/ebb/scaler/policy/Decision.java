package dev.ebb.scaler.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The policy's answer for one workload and one tick.
 *
 * @param desiredReplicas the count the target should have
 * @param reason why, in words for a log line or a Kubernetes Event
 * @param next the state to pass to the next tick; it assumes {@code desiredReplicas} was applied (the runtime corrects
 *             it with {@link WorkloadState#withCurrentReplicas(int)} when the target reports something else)
 * @param kind what the decision did
 * @param currentReplicas the count the decision started from
 * @param inputs what the decision was computed from (rates, capacity, projection, need); empty when it used no
 *               observation (invalid spec, lag unavailable or stale, no new observation)
 */
public record Decision(int desiredReplicas, String reason, WorkloadState next, DecisionKind kind, int currentReplicas,
                       Optional<Inputs> inputs) {
    public Decision {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(kind, "kind");
        inputs = inputs == null ? Optional.empty() : inputs;
    }

    /** A decision that used no observation's numbers. */
    public Decision(int desiredReplicas, String reason, WorkloadState next, DecisionKind kind, int currentReplicas) {
        this(desiredReplicas, reason, next, kind, currentReplicas, Optional.empty());
    }

    /** The arrival rate the decision used, records/s; empty when it used none. What status, metrics and views show. */
    public OptionalDouble arrivalRate() {
        return inputs.isPresent() ? inputs.get().arrivalRate() : OptionalDouble.empty();
    }

    /** Whether the target must be scaled: the desired count differs from the current one. */
    public boolean changed() {
        return desiredReplicas != currentReplicas;
    }
}
