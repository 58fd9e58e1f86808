package dev.ebb.scaler.reconcile;

/**
 * What one reconcile step asks of a target. Every action names the count the target had ({@code current}), the count
 * the step wants ({@code wanted}: the decision, a hold's count, or the current count when paused) and why.
 */
public sealed interface Action permits Action.Scale, Action.Hold, Action.Nothing {

    /** The target's replicas the step saw. */
    int current();

    /** The replicas the step wants the target to have; only {@link Scale} writes them. */
    int wanted();

    /** For people: the decision's reason, the pause's or hold's reason, or why nothing is written. */
    String reason();

    /** Write {@code wanted} to the target. */
    record Scale(int current, int wanted, String reason) implements Action {
        public Scale {
            if (current == wanted) {
                throw new IllegalArgumentException("Invalid value " + wanted + " for wanted: must differ from current "
                        + current);
            }
        }
    }

    /**
     * Do not write, although the policy alone would have: the workload is paused (wanted is then the current count),
     * or this instance stands by (wanted is what the leader would write).
     */
    record Hold(int current, int wanted, Cause cause, String reason) implements Action {
    }

    /** The target already has what the step wants. */
    record Nothing(int current, String reason) implements Action {
        @Override
        public int wanted() {
            return current;
        }
    }

    /** Why a {@link Hold} writes nothing. */
    enum Cause {
        /** A pause annotation or another owner of the target (an HPA): change nothing. */
        PAUSED,
        /** Not the leader: another instance acts. */
        STANDBY
    }

    /** True when the step writes to the target. */
    default boolean writes() {
        return this instanceof Scale;
    }
}
