package dev.ebb.scaler.target;

import java.util.Locale;

/**
 * Why a scale request (or a read of the current replicas) failed. A closed set: status conditions switch on it and
 * the {@code ebb_errors_total} metric uses {@link #label()} as its bounded {@code kind} label.
 */
public enum FailureKind {
    /** The target, its API version or its kind does not exist. */
    NOT_FOUND(false),
    /** The scaler's identity may not read or change the target. */
    FORBIDDEN(false),
    /** The request or the target's reference breaks a rule (a bad name, negative replicas, a non-replicated mode). */
    INVALID(false),
    /** A kind Ebb refuses to scale (e.g. a ReplicaSet owned by a Deployment). */
    UNSUPPORTED_KIND(false),
    /** The kind is cluster-scoped: Ebb scales only objects in the workload's own namespace. */
    CLUSTER_SCOPED(false),
    /** The kind has no scale subresource. */
    NO_SCALE(false),
    /** This instance lost the lease: it sends nothing. The leader acts. */
    NOT_LEADER(false),
    /** The target changed since it was read (another writer); the next tick reads it again. */
    CONFLICT(true),
    /** The API throttled the request. */
    THROTTLED(true),
    /** The API answered with a server error. */
    SERVER_ERROR(true),
    /** The API refused the request for a reason not listed here (a 4xx). */
    REJECTED(false),
    /** API discovery of a custom kind failed. */
    DISCOVERY(true),
    /** The API or engine could not be reached. */
    IO(true),
    /** The target was closed (the scaler is stopping). */
    CLOSED(false);

    private final boolean retriable;

    FailureKind(boolean retriable) {
        this.retriable = retriable;
    }

    /** Whether the next tick may succeed without anyone fixing anything. */
    public boolean retriable() {
        return retriable;
    }

    /** The lower-case name used in metrics and logs, e.g. {@code not_found}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
