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

    /** Why a workload changes nothing. */
    enum Cause {
        /** The ScaledWorkload's pause annotation. */
        ANNOTATION,
        /** A HorizontalPodAutoscaler already scales the same target. */
        CONFLICTING_AUTOSCALER,
        /** An older ScaledWorkload already scales the same target. */
        CONFLICTING_SCALED_WORKLOAD
    }

    /**
     * Change nothing.
     *
     * @param cause what kind of pause, for conditions that must tell a tenant's choice from a conflict
     * @param reason for the Paused condition, e.g. "annotation ebb.dev/paused=true"
     */
    record Paused(Cause cause, String reason) implements Pause {
        public Paused {
            if (cause == null) {
                throw new IllegalArgumentException("Invalid value null for cause: must be a Pause.Cause");
            }
        }

        /** Paused by the tenant's annotation. */
        public Paused(String reason) {
            this(Cause.ANNOTATION, reason);
        }
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
