package dev.ebb.scaler.policy;

/**
 * What to do once lag could not be observed {@code failureThreshold} times in a row (KEDA's {@code fallback}).
 * Before that, and without a fallback, the policy holds the current count. Bounds: {@link PolicyField}
 * ({@code fallback.*}), checked by {@link PolicySpec#validate()}.
 *
 * @param failureThreshold failed observations in a row before the fallback applies
 * @param replicas the fallback count (used as described by {@code behavior}); at least 1, fallback never scales to zero
 * @param behavior how {@code replicas} combines with the current count
 */
public record Fallback(int failureThreshold, int replicas, FallbackBehavior behavior) {
    public Fallback {
        behavior = behavior == null ? FallbackBehavior.STATIC : behavior;
    }

    public static Fallback of(int failureThreshold, int replicas) {
        return new Fallback(failureThreshold, replicas, FallbackBehavior.STATIC);
    }

    /** The count to apply, given the current one; clamping to the spec's bounds happens in the policy. */
    int apply(int current) {
        return switch (behavior) {
            case STATIC -> replicas;
            case CURRENT_REPLICAS -> current;
            case CURRENT_REPLICAS_IF_HIGHER -> Math.max(current, replicas);
            case CURRENT_REPLICAS_IF_LOWER -> Math.min(current, replicas);
        };
    }
}
