package dev.ebb.scaler.reconcile;

/**
 * A reason not to follow the policy: KEDA-style pause annotations, or another autoscaler owning the target.
 * The loop still observes a paused workload (metrics and status stay live) but changes nothing, or holds it at N.
 */
public sealed interface Pause permits Pause.None, Pause.Paused, Pause.HoldAt {

    static Pause none() {
        return None.INSTANCE;
    }

    /** Follow the policy. */
    enum None implements Pause { INSTANCE }

    /**
     * Change nothing.
     *
     * @param reason for the Paused condition, e.g. "annotation ebb.dev/paused=true"
     */
    record Paused(String reason) implements Pause {
    }

    /** Keep the target at {@code replicas}, whatever the backlog. */
    record HoldAt(int replicas, String reason) implements Pause {
        public HoldAt {
            if (replicas < 0) {
                throw new IllegalArgumentException("Invalid value " + replicas + " for replicas: must be >= 0");
            }
        }
    }
}
