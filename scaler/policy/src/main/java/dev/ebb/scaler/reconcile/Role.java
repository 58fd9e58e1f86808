package dev.ebb.scaler.reconcile;

/** Whether this scaler instance may write: only the leader acts; a standby observes and decides (warm state). */
public enum Role {
    LEADER,
    STANDBY
}
