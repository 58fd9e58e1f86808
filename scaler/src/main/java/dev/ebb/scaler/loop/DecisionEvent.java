package dev.ebb.scaler.loop;

import dev.ebb.scaler.policy.Decision;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.workload.Workload;
import java.time.Instant;

/**
 * What one tick did for one workload.
 *
 * @param currentReplicas the target's replicas before acting
 * @param decision the policy's decision (computed also while paused or standing by, so status and metrics stay live)
 * @param appliedReplicas the reconcile step's wanted count ({@link dev.ebb.scaler.reconcile.Action#wanted()}): the
 *     decision, the paused-replicas hold, or the current count when paused; only a leader writes it
 * @param outcome what the target did; {@link ScaleOutcome.Unchanged} when nothing was asked
 * @param role whether this instance acted (leader) or only observed (standby)
 */
public record DecisionEvent(Workload workload, Observation observation, int currentReplicas, Decision decision,
                            int appliedReplicas, ScaleOutcome outcome, Role role, Instant at) {

    public enum Role { LEADER, STANDBY }

    /** The replicas the target has after this tick, as far as the loop knows. */
    public int replicasAfter() {
        return outcome instanceof ScaleOutcome.Scaled s ? s.to() : currentReplicas;
    }
}
