package dev.ebb.scaler.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every setting of the scaling policy. Field names are the user-facing YAML/CRD names. Each setting's default, bounds
 * and meaning are declared once, in {@link PolicyField}: the constructor fills unset (null) values and the builder
 * starts from those defaults, and {@link #validate()} checks those bounds (plus the rules between fields, written
 * here) and reports every problem at once; {@link #requireValid()} throws with all of them. A spec is validated where
 * it enters (the workload mapper, the simulator's controller); {@link #modeSpec()} gives the active mode's settings
 * as one record.
 *
 * <p>Size: a record of 27 settings with a builder (one setter each) and {@link #toBuilder()}; the only logic is
 * {@link #validate()}, and the declaration of each setting is {@link PolicyField}.
 *
 * @param mode how desire is computed: {@code drain} (rate-aware, default) or {@code threshold} (KEDA)
 * @param minReplicas lowest count while active; the count never goes below it except to {@code idleReplicas}
 * @param maxReplicas highest count
 * @param idleReplicas count while idle (no lag, no arrivals for {@code cooldown}); unset means {@code minReplicas}, so 0 with the default minimum (KEDA {@code idleReplicaCount})
 * @param activationLagThreshold lag above which an idle workload activates (KEDA's {@code activationLagThreshold})
 * @param lagThreshold threshold mode: target lag per replica
 * @param drainWithin drain mode: clear the backlog within this time
 * @param perReplicaRate drain mode: prior records/s one replica consumes, until measured while saturated
 * @param maxTimeLag optional SLO on the age of the oldest unconsumed record; tightens the drain deadline
 * @param cooldown lag and arrivals must be zero this long before going to the idle count
 * @param scaleUpMaxStep at most this many replicas added per decision; unset: no limit
 * @param scaleDownWindow scale-down stabilization: the highest desire within this window wins; unset (null) means
 *        {@link #defaultScaleDownWindow(Mode) the mode's default}
 * @param scaleDownMaxStep at most this many replicas removed per decision; unset: no limit
 * @param tolerance relative difference between need and current count that is ignored, against churn
 * @param readyDelay expected time until a new replica consumes (cold start plus rebalance)
 * @param rebalanceGrace after a change, no scale-down until the membership settled or this passed
 * @param commitInterval the workers' commit cadence: lag it explains is neither backlog nor saturation
 * @param staleAfter an observation older than this counts as missing
 * @param fallback what to do after repeated failed observations; unset: hold the current count
 * @param groupKind consumer groups are capped at the partition count, share groups are not
 * @param offsetResetPolicy threshold mode (KEDA): what a partition without a committed offset counts
 * @param allowIdleConsumers threshold mode (KEDA): allow more replicas than partitions
 * @param excludePersistentLag threshold mode (KEDA): ignore partitions whose committed offset did not move since the previous poll
 * @param scaleToZeroOnInvalidOffset threshold mode (KEDA): a partition without a committed offset counts 0 instead of 1 (latest) or its size (earliest)
 * @param limitToPartitionsWithLag threshold mode (KEDA): cap at the number of partitions with lag
 * @param partitionLimitation threshold mode (KEDA): only these partitions count, e.g. {@code 1,2,10-20}; empty: all
 * @param ensureEvenDistributionOfPartitions threshold mode (KEDA): only counts that divide the partition count
 */
public record PolicySpec(
        Mode mode,
        int minReplicas,
        int maxReplicas,
        OptionalInt idleReplicas,
        long activationLagThreshold,
        long lagThreshold,
        Duration drainWithin,
        double perReplicaRate,
        Optional<Duration> maxTimeLag,
        Duration cooldown,
        OptionalInt scaleUpMaxStep,
        Duration scaleDownWindow,
        OptionalInt scaleDownMaxStep,
        double tolerance,
        Duration readyDelay,
        Duration rebalanceGrace,
        Duration commitInterval,
        Duration staleAfter,
        Optional<Fallback> fallback,
        GroupKind groupKind,
        OffsetResetPolicy offsetResetPolicy,
        boolean allowIdleConsumers,
        boolean excludePersistentLag,
        boolean scaleToZeroOnInvalidOffset,
        boolean limitToPartitionsWithLag,
        String partitionLimitation,
        boolean ensureEvenDistributionOfPartitions) {

    public PolicySpec {
        mode = mode == null ? PolicyField.MODE.choiceDefault(Mode.class) : mode;
        idleReplicas = idleReplicas == null ? OptionalInt.empty() : idleReplicas;
        drainWithin = drainWithin == null ? PolicyField.DRAIN_WITHIN.durationDefault() : drainWithin;
        maxTimeLag = maxTimeLag == null ? Optional.empty() : maxTimeLag;
        cooldown = cooldown == null ? PolicyField.COOLDOWN.durationDefault() : cooldown;
        scaleUpMaxStep = scaleUpMaxStep == null ? OptionalInt.empty() : scaleUpMaxStep;
        scaleDownWindow = scaleDownWindow == null ? defaultScaleDownWindow(mode) : scaleDownWindow;
        scaleDownMaxStep = scaleDownMaxStep == null ? OptionalInt.empty() : scaleDownMaxStep;
        readyDelay = readyDelay == null ? PolicyField.READY_DELAY.durationDefault() : readyDelay;
        rebalanceGrace = rebalanceGrace == null ? PolicyField.REBALANCE_GRACE.durationDefault() : rebalanceGrace;
        commitInterval = commitInterval == null ? PolicyField.COMMIT_INTERVAL.durationDefault() : commitInterval;
        staleAfter = staleAfter == null ? PolicyField.STALE_AFTER.durationDefault() : staleAfter;
        fallback = fallback == null ? Optional.empty() : fallback;
        groupKind = groupKind == null ? PolicyField.GROUP_KIND.choiceDefault(GroupKind.class) : groupKind;
        offsetResetPolicy = offsetResetPolicy == null
                ? PolicyField.OFFSET_RESET_POLICY.choiceDefault(OffsetResetPolicy.class) : offsetResetPolicy;
        partitionLimitation = partitionLimitation == null ? PolicyField.PARTITION_LIMITATION.textDefault()
                : partitionLimitation;
    }

    /** The scale-down window a spec gets when it does not set one: it depends on the mode (see PolicyDefaults). */
    public static Duration defaultScaleDownWindow(Mode mode) {
        return PolicyDefaults.duration(mode == Mode.THRESHOLD ? PolicyDefaults.SCALE_DOWN_WINDOW_THRESHOLD
                : PolicyDefaults.SCALE_DOWN_WINDOW_DRAIN);
    }

    public static PolicySpec defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this spec's values, to derive a changed copy. It holds the resolved scale-down window, so a
     * copy whose mode changes keeps this spec's window rather than the new mode's default.
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mode = mode;
        b.minReplicas = minReplicas;
        b.maxReplicas = maxReplicas;
        b.idleReplicas = idleReplicas;
        b.activationLagThreshold = activationLagThreshold;
        b.lagThreshold = lagThreshold;
        b.drainWithin = drainWithin;
        b.perReplicaRate = perReplicaRate;
        b.maxTimeLag = maxTimeLag;
        b.cooldown = cooldown;
        b.scaleUpMaxStep = scaleUpMaxStep;
        b.scaleDownWindow = scaleDownWindow;
        b.scaleDownMaxStep = scaleDownMaxStep;
        b.tolerance = tolerance;
        b.readyDelay = readyDelay;
        b.rebalanceGrace = rebalanceGrace;
        b.commitInterval = commitInterval;
        b.staleAfter = staleAfter;
        b.fallback = fallback;
        b.groupKind = groupKind;
        b.offsetResetPolicy = offsetResetPolicy;
        b.allowIdleConsumers = allowIdleConsumers;
        b.excludePersistentLag = excludePersistentLag;
        b.scaleToZeroOnInvalidOffset = scaleToZeroOnInvalidOffset;
        b.limitToPartitionsWithLag = limitToPartitionsWithLag;
        b.partitionLimitation = partitionLimitation;
        b.ensureEvenDistributionOfPartitions = ensureEvenDistributionOfPartitions;
        return b;
    }

    /** This spec when it is valid; otherwise an {@link IllegalArgumentException} listing every problem. */
    public PolicySpec requireValid() {
        List<String> problems = validate();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid scaling policy: " + String.join("; ", problems));
        }
        return this;
    }

    /**
     * Every problem with this spec, each naming field, value and rule
     * ({@code Invalid value -5 for lagThreshold: must be > 0}); empty when valid. Changes nothing.
     */
    public List<String> validate() {
        List<String> p = new ArrayList<>();
        for (PolicyField field : PolicyField.values()) {
            field.problemIn(this).ifPresent(p::add);
        }
        // The rules between fields, each only when the fields themselves are within their ranges.
        if (ok(PolicyField.MIN_REPLICAS) && ok(PolicyField.MAX_REPLICAS) && maxReplicas < minReplicas) {
            p.add(invalid(maxReplicas, "maxReplicas", "must be >= minReplicas (" + minReplicas + ")"));
        }
        if (ok(PolicyField.MIN_REPLICAS) && ok(PolicyField.IDLE_REPLICAS) && idleReplicas.isPresent()
                && idleReplicas.getAsInt() > minReplicas) {
            p.add(invalid(idleReplicas.getAsInt(), "idleReplicas", "must be <= minReplicas (" + minReplicas + ")"));
        }
        fallback.ifPresent(f -> {
            if (ok(PolicyField.MAX_REPLICAS) && ok(PolicyField.FALLBACK_REPLICAS) && f.replicas() > maxReplicas) {
                p.add(invalid(f.replicas(), "fallback.replicas", "must be <= maxReplicas (" + maxReplicas + ")"));
            }
        });
        p.addAll(PartitionLimitation.problems(partitionLimitation));
        return List.copyOf(p);
    }

    /** The active mode's settings: {@link ModeSpec.Drain} or {@link ModeSpec.Threshold}. */
    public ModeSpec modeSpec() {
        return switch (mode) {
            case DRAIN -> new ModeSpec.Drain(drainWithin, perReplicaRate, maxTimeLag);
            case THRESHOLD -> new ModeSpec.Threshold(lagThreshold, allowIdleConsumers, excludePersistentLag,
                    scaleToZeroOnInvalidOffset, limitToPartitionsWithLag, partitionLimitation,
                    ensureEvenDistributionOfPartitions);
        };
    }

    /** The parsed {@link #partitionLimitation}; throws when it is invalid. */
    public PartitionLimitation partitions() {
        return PartitionLimitation.parse(partitionLimitation);
    }

    /** The count while idle: {@link #idleReplicas} when set, else {@link #minReplicas}. */
    public int idleCount() {
        return idleReplicas.orElse(minReplicas);
    }

    /** The lowest count while active: an active workload never has zero replicas. */
    public int activeFloor() {
        return Math.max(1, minReplicas);
    }

    private boolean ok(PolicyField field) {
        return field.problemIn(this).isEmpty();
    }

    private static String invalid(Object value, String field, String rule) {
        return "Invalid value " + value + " for " + field + ": " + rule;
    }

    /** Mutable builder; unset fields keep their defaults. {@link #build()} does not validate. */
    public static final class Builder {
        private Mode mode = PolicyField.MODE.choiceDefault(Mode.class);
        private int minReplicas = PolicyField.MIN_REPLICAS.intDefault();
        private int maxReplicas = PolicyField.MAX_REPLICAS.intDefault();
        private OptionalInt idleReplicas = OptionalInt.empty();
        private long activationLagThreshold = PolicyField.ACTIVATION_LAG_THRESHOLD.longDefault();
        private long lagThreshold = PolicyField.LAG_THRESHOLD.longDefault();
        private Duration drainWithin = PolicyField.DRAIN_WITHIN.durationDefault();
        private double perReplicaRate = PolicyField.PER_REPLICA_RATE.decimalDefault();
        private Optional<Duration> maxTimeLag = Optional.empty();
        private Duration cooldown = PolicyField.COOLDOWN.durationDefault();
        private OptionalInt scaleUpMaxStep = OptionalInt.empty();
        private Duration scaleDownWindow; // unset: the mode's default, chosen in the constructor
        private OptionalInt scaleDownMaxStep = OptionalInt.empty();
        private double tolerance = PolicyField.TOLERANCE.decimalDefault();
        private Duration readyDelay = PolicyField.READY_DELAY.durationDefault();
        private Duration rebalanceGrace = PolicyField.REBALANCE_GRACE.durationDefault();
        private Duration commitInterval = PolicyField.COMMIT_INTERVAL.durationDefault();
        private Duration staleAfter = PolicyField.STALE_AFTER.durationDefault();
        private Optional<Fallback> fallback = Optional.empty();
        private GroupKind groupKind = PolicyField.GROUP_KIND.choiceDefault(GroupKind.class);
        private OffsetResetPolicy offsetResetPolicy = PolicyField.OFFSET_RESET_POLICY.choiceDefault(OffsetResetPolicy.class);
        private boolean allowIdleConsumers = PolicyField.ALLOW_IDLE_CONSUMERS.flagDefault();
        private boolean excludePersistentLag = PolicyField.EXCLUDE_PERSISTENT_LAG.flagDefault();
        private boolean scaleToZeroOnInvalidOffset = PolicyField.SCALE_TO_ZERO_ON_INVALID_OFFSET.flagDefault();
        private boolean limitToPartitionsWithLag = PolicyField.LIMIT_TO_PARTITIONS_WITH_LAG.flagDefault();
        private String partitionLimitation = PolicyField.PARTITION_LIMITATION.textDefault();
        private boolean ensureEvenDistributionOfPartitions =
                PolicyField.ENSURE_EVEN_DISTRIBUTION_OF_PARTITIONS.flagDefault();

        private Builder() {
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        /** Sets the mode and that mode's settings at once. */
        public Builder modeSpec(ModeSpec spec) {
            if (spec instanceof ModeSpec.Drain d) {
                mode = Mode.DRAIN;
                drainWithin = d.drainWithin();
                perReplicaRate = d.perReplicaRate();
                maxTimeLag = d.maxTimeLag();
            } else if (spec instanceof ModeSpec.Threshold t) {
                mode = Mode.THRESHOLD;
                lagThreshold = t.lagThreshold();
                allowIdleConsumers = t.allowIdleConsumers();
                excludePersistentLag = t.excludePersistentLag();
                scaleToZeroOnInvalidOffset = t.scaleToZeroOnInvalidOffset();
                limitToPartitionsWithLag = t.limitToPartitionsWithLag();
                partitionLimitation = t.partitionLimitation();
                ensureEvenDistributionOfPartitions = t.ensureEvenDistributionOfPartitions();
            }
            return this;
        }

        public Builder minReplicas(int minReplicas) {
            this.minReplicas = minReplicas;
            return this;
        }

        public Builder maxReplicas(int maxReplicas) {
            this.maxReplicas = maxReplicas;
            return this;
        }

        public Builder idleReplicas(int idleReplicas) {
            this.idleReplicas = OptionalInt.of(idleReplicas);
            return this;
        }

        public Builder idleReplicas(OptionalInt idleReplicas) {
            this.idleReplicas = idleReplicas == null ? OptionalInt.empty() : idleReplicas;
            return this;
        }

        public Builder activationLagThreshold(long activationLagThreshold) {
            this.activationLagThreshold = activationLagThreshold;
            return this;
        }

        public Builder lagThreshold(long lagThreshold) {
            this.lagThreshold = lagThreshold;
            return this;
        }

        public Builder drainWithin(Duration drainWithin) {
            this.drainWithin = drainWithin;
            return this;
        }

        public Builder perReplicaRate(double perReplicaRate) {
            this.perReplicaRate = perReplicaRate;
            return this;
        }

        public Builder maxTimeLag(Duration maxTimeLag) {
            this.maxTimeLag = Optional.ofNullable(maxTimeLag);
            return this;
        }

        public Builder maxTimeLag(Optional<Duration> maxTimeLag) {
            this.maxTimeLag = maxTimeLag == null ? Optional.empty() : maxTimeLag;
            return this;
        }

        public Builder cooldown(Duration cooldown) {
            this.cooldown = cooldown;
            return this;
        }

        public Builder scaleUpMaxStep(int scaleUpMaxStep) {
            this.scaleUpMaxStep = OptionalInt.of(scaleUpMaxStep);
            return this;
        }

        public Builder scaleUpMaxStep(OptionalInt scaleUpMaxStep) {
            this.scaleUpMaxStep = scaleUpMaxStep == null ? OptionalInt.empty() : scaleUpMaxStep;
            return this;
        }

        public Builder scaleDownWindow(Duration scaleDownWindow) {
            this.scaleDownWindow = scaleDownWindow;
            return this;
        }

        public Builder scaleDownMaxStep(int scaleDownMaxStep) {
            this.scaleDownMaxStep = OptionalInt.of(scaleDownMaxStep);
            return this;
        }

        public Builder scaleDownMaxStep(OptionalInt scaleDownMaxStep) {
            this.scaleDownMaxStep = scaleDownMaxStep == null ? OptionalInt.empty() : scaleDownMaxStep;
            return this;
        }

        public Builder tolerance(double tolerance) {
            this.tolerance = tolerance;
            return this;
        }

        public Builder readyDelay(Duration readyDelay) {
            this.readyDelay = readyDelay;
            return this;
        }

        public Builder rebalanceGrace(Duration rebalanceGrace) {
            this.rebalanceGrace = rebalanceGrace;
            return this;
        }

        public Builder commitInterval(Duration commitInterval) {
            this.commitInterval = commitInterval;
            return this;
        }

        public Builder staleAfter(Duration staleAfter) {
            this.staleAfter = staleAfter;
            return this;
        }

        public Builder fallback(Fallback fallback) {
            this.fallback = Optional.ofNullable(fallback);
            return this;
        }

        public Builder fallback(Optional<Fallback> fallback) {
            this.fallback = fallback == null ? Optional.empty() : fallback;
            return this;
        }

        public Builder groupKind(GroupKind groupKind) {
            this.groupKind = groupKind;
            return this;
        }

        public Builder offsetResetPolicy(OffsetResetPolicy offsetResetPolicy) {
            this.offsetResetPolicy = offsetResetPolicy;
            return this;
        }

        public Builder allowIdleConsumers(boolean allowIdleConsumers) {
            this.allowIdleConsumers = allowIdleConsumers;
            return this;
        }

        public Builder excludePersistentLag(boolean excludePersistentLag) {
            this.excludePersistentLag = excludePersistentLag;
            return this;
        }

        public Builder scaleToZeroOnInvalidOffset(boolean scaleToZeroOnInvalidOffset) {
            this.scaleToZeroOnInvalidOffset = scaleToZeroOnInvalidOffset;
            return this;
        }

        public Builder limitToPartitionsWithLag(boolean limitToPartitionsWithLag) {
            this.limitToPartitionsWithLag = limitToPartitionsWithLag;
            return this;
        }

        public Builder partitionLimitation(String partitionLimitation) {
            this.partitionLimitation = partitionLimitation;
            return this;
        }

        public Builder ensureEvenDistributionOfPartitions(boolean ensureEvenDistributionOfPartitions) {
            this.ensureEvenDistributionOfPartitions = ensureEvenDistributionOfPartitions;
            return this;
        }

        public PolicySpec build() {
            return new PolicySpec(mode, minReplicas, maxReplicas, idleReplicas, activationLagThreshold, lagThreshold, drainWithin, perReplicaRate, maxTimeLag, cooldown, scaleUpMaxStep, scaleDownWindow, scaleDownMaxStep, tolerance, readyDelay, rebalanceGrace, commitInterval, staleAfter, fallback, groupKind, offsetResetPolicy, allowIdleConsumers, excludePersistentLag, scaleToZeroOnInvalidOffset, limitToPartitionsWithLag, partitionLimitation, ensureEvenDistributionOfPartitions);
        }
    }
}
