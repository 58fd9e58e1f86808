package dev.ebb.scaler.policy;

/** What a decision did, for metrics ({@code ebb_decisions_total{kind=...}}) and Events. */
public enum DecisionKind {
    /** Keep the count: the desire is met, within tolerance, stabilizing, or waiting for a rebalance or starting replicas. */
    HOLD,
    /** More replicas for the backlog or the arrivals. */
    SCALE_UP,
    /** Fewer replicas, after stabilization. */
    SCALE_DOWN,
    /** Out of the idle count: lag rose above {@code activationLagThreshold}. */
    ACTIVATE,
    /** To the idle count (0 by default): lag and arrivals were zero for the cooldown. */
    TO_ZERO,
    /** Lag could not be observed (or was stale): holding the current count. */
    UNAVAILABLE,
    /** Lag could not be observed {@code fallback.failureThreshold} times in a row: the fallback count applies. */
    FALLBACK,
    /** The spec does not validate: holding the current count; the reason lists the problems. */
    INVALID_SPEC
}
