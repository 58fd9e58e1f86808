package dev.ebb.scaler.policy;

import java.util.Objects;

/**
 * The policy's answer for one workload and one tick.
 *
 * @param desiredReplicas the count the target should have
 * @param reason why, in words for a log line or a Kubernetes Event
 * @param next the state to pass to the next tick; it assumes {@code desiredReplicas} was applied (the runtime corrects
 *             it with {@link WorkloadState#withCurrentReplicas(int)} when the target reports something else)
 * @param kind what the decision did
 * @param currentReplicas the count the decision started from
 */
public record Decision(int desiredReplicas, String reason, WorkloadState next, DecisionKind kind, int currentReplicas) {
    public Decision {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(kind, "kind");
    }

    /** Whether the target must be scaled: the desired count differs from the current one. */
    public boolean changed() {
        return desiredReplicas != currentReplicas;
    }
}
