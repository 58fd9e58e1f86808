package dev.ebb.scaler.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every setting of the scaling policy. Field names are the user-facing YAML/CRD names; {@code POLICY.md} documents
 * each with its default. The constructor only fills unset (null) values with defaults; {@link #validate()} reports
 * every problem at once and {@link #requireValid()} throws with all of them.
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
 * @param scaleDownWindow scale-down stabilization: the highest desire within this window wins
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
        mode = mode == null ? Mode.DRAIN : mode;
        idleReplicas = idleReplicas == null ? OptionalInt.empty() : idleReplicas;
        drainWithin = drainWithin == null ? PolicyDefaults.duration(PolicyDefaults.DRAIN_WITHIN) : drainWithin;
        maxTimeLag = maxTimeLag == null ? Optional.empty() : maxTimeLag;
        cooldown = cooldown == null ? PolicyDefaults.duration(PolicyDefaults.COOLDOWN) : cooldown;
        scaleUpMaxStep = scaleUpMaxStep == null ? OptionalInt.empty() : scaleUpMaxStep;
        scaleDownWindow = scaleDownWindow == null ? PolicyDefaults.duration(PolicyDefaults.SCALE_DOWN_WINDOW)
                : scaleDownWindow;
        scaleDownMaxStep = scaleDownMaxStep == null ? OptionalInt.empty() : scaleDownMaxStep;
        readyDelay = readyDelay == null ? PolicyDefaults.duration(PolicyDefaults.READY_DELAY) : readyDelay;
        rebalanceGrace = rebalanceGrace == null ? PolicyDefaults.duration(PolicyDefaults.REBALANCE_GRACE)
                : rebalanceGrace;
        commitInterval = commitInterval == null ? PolicyDefaults.duration(PolicyDefaults.COMMIT_INTERVAL)
                : commitInterval;
        staleAfter = staleAfter == null ? PolicyDefaults.duration(PolicyDefaults.STALE_AFTER) : staleAfter;
        fallback = fallback == null ? Optional.empty() : fallback;
        groupKind = groupKind == null ? GroupKind.CONSUMER : groupKind;
        offsetResetPolicy = offsetResetPolicy == null ? OffsetResetPolicy.LATEST : offsetResetPolicy;
        partitionLimitation = partitionLimitation == null ? "" : partitionLimitation;
    }

    public static PolicySpec defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's values, to derive a changed copy. */
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
        if (minReplicas < 0) {
            p.add(invalid(minReplicas, "minReplicas", "must be >= 0"));
        }
        if (maxReplicas < 1) {
            p.add(invalid(maxReplicas, "maxReplicas", "must be >= 1"));
        } else if (maxReplicas < minReplicas) {
            p.add(invalid(maxReplicas, "maxReplicas", "must be >= minReplicas (" + minReplicas + ")"));
        }
        if (idleReplicas.isPresent()) {
            int idle = idleReplicas.getAsInt();
            if (idle < 0) {
                p.add(invalid(idle, "idleReplicas", "must be >= 0"));
            } else if (idle > minReplicas) {
                p.add(invalid(idle, "idleReplicas", "must be <= minReplicas (" + minReplicas + ")"));
            }
        }
        if (activationLagThreshold < 0) {
            p.add(invalid(activationLagThreshold, "activationLagThreshold", "must be >= 0"));
        }
        if (lagThreshold <= 0) {
            p.add(invalid(lagThreshold, "lagThreshold", "must be > 0"));
        }
        positive(p, drainWithin, "drainWithin");
        if (!(perReplicaRate > 0) || Double.isInfinite(perReplicaRate)) {
            p.add("Invalid value " + perReplicaRate + " for perReplicaRate: must be a finite number > 0");
        }
        maxTimeLag.ifPresent(d -> positive(p, d, "maxTimeLag"));
        notNegative(p, cooldown, "cooldown");
        if (scaleUpMaxStep.isPresent() && scaleUpMaxStep.getAsInt() < 1) {
            p.add(invalid(scaleUpMaxStep.getAsInt(), "scaleUpMaxStep", "must be >= 1"));
        }
        notNegative(p, scaleDownWindow, "scaleDownWindow");
        if (scaleDownMaxStep.isPresent() && scaleDownMaxStep.getAsInt() < 1) {
            p.add(invalid(scaleDownMaxStep.getAsInt(), "scaleDownMaxStep", "must be >= 1"));
        }
        if (!(tolerance >= 0 && tolerance < 1)) {
            p.add("Invalid value " + tolerance + " for tolerance: must be >= 0 and < 1");
        }
        notNegative(p, readyDelay, "readyDelay");
        notNegative(p, rebalanceGrace, "rebalanceGrace");
        notNegative(p, commitInterval, "commitInterval");
        positive(p, staleAfter, "staleAfter");
        fallback.ifPresent(f -> {
            p.addAll(f.validate());
            if (f.replicas() > maxReplicas && maxReplicas >= 1) {
                p.add(invalid(f.replicas(), "fallback.replicas", "must be <= maxReplicas (" + maxReplicas + ")"));
            }
        });
        p.addAll(PartitionLimitation.problems(partitionLimitation));
        return List.copyOf(p);
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

    private static String invalid(Object value, String field, String rule) {
        return "Invalid value " + value + " for " + field + ": " + rule;
    }

    private static void positive(List<String> p, Duration d, String field) {
        if (d.isNegative() || d.isZero()) {
            p.add(invalid(Text.duration(d), field, "must be > 0"));
        }
    }

    private static void notNegative(List<String> p, Duration d, String field) {
        if (d.isNegative()) {
            p.add(invalid(Text.duration(d), field, "must be >= 0"));
        }
    }

    /** Mutable builder; unset fields keep their defaults. {@link #build()} does not validate. */
    public static final class Builder {
        private Mode mode = Mode.valueOf(PolicyDefaults.MODE.toUpperCase(java.util.Locale.ROOT));
        private int minReplicas = PolicyDefaults.integer(PolicyDefaults.MIN_REPLICAS);
        private int maxReplicas = PolicyDefaults.integer(PolicyDefaults.MAX_REPLICAS);
        private OptionalInt idleReplicas = OptionalInt.empty();
        private long activationLagThreshold = PolicyDefaults.integer(PolicyDefaults.ACTIVATION_LAG_THRESHOLD);
        private long lagThreshold = PolicyDefaults.integer(PolicyDefaults.LAG_THRESHOLD);
        private Duration drainWithin = PolicyDefaults.duration(PolicyDefaults.DRAIN_WITHIN);
        private double perReplicaRate = PolicyDefaults.decimal(PolicyDefaults.PER_REPLICA_RATE);
        private Optional<Duration> maxTimeLag = Optional.empty();
        private Duration cooldown = PolicyDefaults.duration(PolicyDefaults.COOLDOWN);
        private OptionalInt scaleUpMaxStep = OptionalInt.empty();
        private Duration scaleDownWindow = PolicyDefaults.duration(PolicyDefaults.SCALE_DOWN_WINDOW);
        private OptionalInt scaleDownMaxStep = OptionalInt.empty();
        private double tolerance = PolicyDefaults.decimal(PolicyDefaults.TOLERANCE);
        private Duration readyDelay = PolicyDefaults.duration(PolicyDefaults.READY_DELAY);
        private Duration rebalanceGrace = PolicyDefaults.duration(PolicyDefaults.REBALANCE_GRACE);
        private Duration commitInterval = PolicyDefaults.duration(PolicyDefaults.COMMIT_INTERVAL);
        private Duration staleAfter = PolicyDefaults.duration(PolicyDefaults.STALE_AFTER);
        private Optional<Fallback> fallback = Optional.empty();
        private GroupKind groupKind = GroupKind.CONSUMER;
        private OffsetResetPolicy offsetResetPolicy = OffsetResetPolicy.LATEST;
        private boolean allowIdleConsumers = false;
        private boolean excludePersistentLag = false;
        private boolean scaleToZeroOnInvalidOffset = false;
        private boolean limitToPartitionsWithLag = false;
        private String partitionLimitation = "";
        private boolean ensureEvenDistributionOfPartitions = false;

        private Builder() {
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
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
