package dev.ebb.scaler.policy;

import java.util.Optional;

/**
 * Stage 3 of the policy, <b>bound</b>: a desired count within {@code minReplicas} (or the active floor of one replica),
 * {@code maxReplicas} and the partition cap. The floor wins over the cap. Bounds are never damped: replicas above the
 * maximum or the partition count are waste.
 *
 * <p>The partition cap: a consumer group uses one member per partition at most, so with {@code P > 0} known
 * partitions the count is capped at {@code P}; share groups, unknown partitions and threshold mode with
 * {@code allowIdleConsumers} are not capped. Threshold mode counts the partitions inside
 * {@code partitionLimitation} (as KEDA does); drain mode counts every partition of the group's topics.
 *
 * <p>Pure and public: the simulator and the reconcile step use the same functions as the policy.
 */
public final class Bounds {
    private Bounds() {
    }

    /** Why a count was bounded, for the reason. */
    public enum Why {
        /** Raised to {@code minReplicas}. */
        MIN_REPLICAS,
        /** Raised to one replica: an active workload keeps a replica (minReplicas 0). */
        ACTIVE_FLOOR,
        /** Lowered to {@code maxReplicas}. */
        MAX_REPLICAS,
        /** Lowered to the partition count. */
        PARTITIONS
    }

    /**
     * A bounded count.
     *
     * @param replicas the count within the bounds
     * @param why why it differs from the desired count; empty when it does not
     */
    public record Bounded(int replicas, Optional<Why> why) {
    }

    /** The most replicas that consume for {@code spec} on {@code partitions} partitions (see the class comment). */
    public static int partitionCap(PolicySpec spec, int partitions) {
        boolean capped = spec.groupKind() == GroupKind.CONSUMER && partitions > 0
                && !(spec.mode() == Mode.THRESHOLD && spec.allowIdleConsumers());
        return capped ? partitions : Integer.MAX_VALUE;
    }

    /** {@code replicas} within min/max and the partition cap (the floor wins over the cap). */
    public static int bound(PolicySpec spec, int partitions, int replicas) {
        int capped = Math.min(replicas, partitionCap(spec, partitions));
        return Math.max(spec.activeFloor(), Math.min(spec.maxReplicas(), capped));
    }

    /** The highest count the bounds allow. */
    public static int top(PolicySpec spec, int partitions) {
        return bound(spec, partitions, Integer.MAX_VALUE);
    }

    /** {@code replicas} bounded, with the reason it moved. */
    public static Bounded bounded(PolicySpec spec, int partitions, int replicas) {
        int bounded = bound(spec, partitions, replicas);
        Optional<Why> why;
        if (bounded > replicas && bounded == spec.minReplicas()) {
            why = Optional.of(Why.MIN_REPLICAS);
        } else if (bounded > replicas) {
            why = Optional.of(Why.ACTIVE_FLOOR);
        } else if (bounded < replicas && bounded == spec.maxReplicas()) {
            why = Optional.of(Why.MAX_REPLICAS);
        } else if (bounded < replicas) {
            why = Optional.of(Why.PARTITIONS);
        } else {
            why = Optional.empty();
        }
        return new Bounded(bounded, why);
    }

    /** The partitions the mode counts: threshold mode inside {@code partitionLimitation}, drain mode all. */
    static int partitions(PolicySpec spec, Estimate e) {
        return spec.mode() == Mode.THRESHOLD ? e.keda().partitions() : e.group().partitions();
    }
}
