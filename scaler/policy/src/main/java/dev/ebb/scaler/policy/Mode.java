package dev.ebb.scaler.policy;

/** How the policy turns an observation into a replica count. */
public enum Mode {
    /** KEDA-compatible: {@code ceil(lag / lagThreshold)} with the Kafka scaler's partition semantics. */
    THRESHOLD,
    /** Rate-aware (the default): enough replicas to absorb arrivals and clear the backlog within {@code drainWithin}. */
    DRAIN
}
