package dev.ebb.scaler.policy;

/** KEDA's {@code fallback.behavior}: which count to apply once observations failed often enough. */
public enum FallbackBehavior {
    /** {@code fallback.replicas}. */
    STATIC,
    /** Keep the current count. */
    CURRENT_REPLICAS,
    /** The current count when it is higher than {@code fallback.replicas}, else {@code fallback.replicas}. */
    CURRENT_REPLICAS_IF_HIGHER,
    /** The current count when it is lower than {@code fallback.replicas}, else {@code fallback.replicas}. */
    CURRENT_REPLICAS_IF_LOWER;

    /** The YAML/CRD spelling ({@code currentReplicasIfHigher}). */
    public String yamlName() {
        return switch (this) {
            case STATIC -> "static";
            case CURRENT_REPLICAS -> "currentReplicas";
            case CURRENT_REPLICAS_IF_HIGHER -> "currentReplicasIfHigher";
            case CURRENT_REPLICAS_IF_LOWER -> "currentReplicasIfLower";
        };
    }

    /** Parses the YAML/CRD spelling, case-insensitively. */
    public static FallbackBehavior fromYaml(String value) {
        for (FallbackBehavior b : values()) {
            if (b.yamlName().equalsIgnoreCase(value) || b.name().equalsIgnoreCase(value)) {
                return b;
            }
        }
        throw new IllegalArgumentException("Invalid value '" + value + "' for fallback.behavior: must be one of "
                + "static, currentReplicas, currentReplicasIfHigher, currentReplicasIfLower");
    }
}
