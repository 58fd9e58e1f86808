package dev.ebb.scaler.target;

/** What a scale request did. */
public sealed interface ScaleOutcome permits ScaleOutcome.Unchanged, ScaleOutcome.Scaled, ScaleOutcome.Failed {

    /** The target already had the requested replicas. */
    record Unchanged(int replicas) implements ScaleOutcome {
    }

    /** The target's replicas were changed. */
    record Scaled(int from, int to) implements ScaleOutcome {
    }

    /**
     * The request failed.
     *
     * @param kind the cause, from a closed set
     * @param message for people: names the target and what to do
     */
    record Failed(FailureKind kind, String message) implements ScaleOutcome {
        public Failed {
            if (kind == null) {
                throw new IllegalArgumentException("Invalid value null for kind: must be a FailureKind");
            }
        }

        /** Whether the next tick may succeed without a fix. */
        public boolean retriable() {
            return kind.retriable();
        }
    }
}
