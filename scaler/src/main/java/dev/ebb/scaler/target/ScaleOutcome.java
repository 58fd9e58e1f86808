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
     * @param kind a short machine-readable cause: not_found, forbidden, conflict, throttled, server_error, io
     * @param message for people: names the target and what to do
     * @param retriable whether the next tick may succeed without a fix
     */
    record Failed(String kind, String message, boolean retriable) implements ScaleOutcome {
    }
}
