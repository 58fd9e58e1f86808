package dev.ebb.scaler.reconcile;

import dev.ebb.scaler.policy.Decision;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.policy.ScalingPolicy;
import dev.ebb.scaler.policy.WorkloadState;
import java.time.Instant;
import java.util.Objects;

/**
 * The one reconcile step: a pure function from (decision, pause, role, current replicas) to an {@link Action}, and
 * the policy call in front of it. The live loop ({@code ScalerLoop}) and the simulator both call it; neither decides
 * on its own whether to write. No clock, no I/O: time and the target's count come in as arguments.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>the wanted count: {@link Pause.Paused} → the current count; {@link Pause.HoldAt} → its count;
 *       otherwise the decision's desired count;</li>
 *   <li>paused → {@link Action.Hold} ({@link Action.Cause#PAUSED}), whatever the role;</li>
 *   <li>wanted equals current → {@link Action.Nothing};</li>
 *   <li>not the leader → {@link Action.Hold} ({@link Action.Cause#STANDBY}): the count a leader would write;</li>
 *   <li>otherwise → {@link Action.Scale} to the wanted count, with the hold's reason or the decision's.</li>
 * </ol>
 * The policy still decides while paused or standing by, so status and metrics stay live and a takeover starts warm.
 */
public final class Reconcile {

    private Reconcile() {
    }

    /**
     * One step for one workload: the policy's decision on this observation, and the action it leads to.
     *
     * @param previous the policy's memory from the previous step; null on the first (or after a reset)
     * @param current the target's replicas as the caller knows them (informer cache, the simulator's spec)
     */
    public static Step step(PolicySpec spec, Observation observation, WorkloadState previous, int current,
                            Pause pause, Role role, Instant now) {
        WorkloadState state = previous == null ? WorkloadState.initial(current) : previous.withCurrentReplicas(current);
        Decision decision = ScalingPolicy.decide(spec, observation, state, now);
        return new Step(decision, act(decision, pause, role, current));
    }

    /** The action for a decision already made. */
    public static Action act(Decision decision, Pause pause, Role role, int current) {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(role, "role");
        if (current < 0) {
            throw new IllegalArgumentException("Invalid value " + current + " for current: must be >= 0");
        }
        Pause p = pause == null ? Pause.none() : pause;
        if (p instanceof Pause.Paused paused) {
            return new Action.Hold(current, current, Action.Cause.PAUSED, paused.reason());
        }
        int wanted;
        String reason;
        if (p instanceof Pause.HoldAt hold) {
            wanted = hold.replicas();
            reason = hold.reason();
        } else {
            wanted = decision.desiredReplicas();
            reason = decision.reason();
        }
        if (wanted == current) {
            return new Action.Nothing(current, reason);
        }
        if (role == Role.STANDBY) {
            return new Action.Hold(current, wanted, Action.Cause.STANDBY, "standby (the leader acts): " + reason);
        }
        return new Action.Scale(current, wanted, reason);
    }

    /**
     * What one step produced.
     *
     * @param decision the policy's decision; its {@link Decision#next()} is the memory for the next step, kept
     *     whatever the action (a paused workload's policy keeps learning)
     */
    public record Step(Decision decision, Action action) {
        public Step {
            Objects.requireNonNull(decision, "decision");
            Objects.requireNonNull(action, "action");
        }

        public WorkloadState next() {
            return decision.next();
        }
    }
}
