package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.ebb.scaler.policy.PolicyDefaults;
import dev.ebb.scaler.policy.PolicyField;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * {@code spec.policy}: the scaling policy's settings as the resource holds them (strings for durations, boxed values
 * for "unset"); unset fields take the defaults written in the schema. Each setting is declared once, in
 * {@link dev.ebb.scaler.policy.PolicyField}: the annotations below name its constants ({@link PolicyDefaults}, which
 * annotations need), and {@code PolicyDefaultsDriftTest} fails when the generated schema's defaults, bounds or enums
 * differ from the declaration. The schema's checks (and the CEL rules below) serve {@code kubectl}; the scaler's one
 * validation is {@code PolicySpec.validate()}, reached through {@code WorkloadSpecMapper}, for files and clusters alike.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
        message = "maxReplicas must be >= minReplicas", reason = "FieldValueInvalid", fieldPath = ".maxReplicas")
@ValidationRule(value = "!has(self.idleReplicas) || self.idleReplicas <= (has(self.minReplicas) ? self.minReplicas : 0)",
        message = "idleReplicas must be <= minReplicas", reason = "FieldValueInvalid", fieldPath = ".idleReplicas")
public class PolicySettings {

    /** Values of {@code mode}: the declaration's. */
    public static final List<String> MODES = PolicyField.MODE.choices();
    /** Upper bound of every replica count and step: far above any real group, far below an overflow. */
    public static final int REPLICAS_MAX = PolicyDefaults.REPLICAS_MAX;
    /** Longest duration string the schema accepts. */
    public static final int DURATION_MAX_LENGTH = 32;

    @Default(PolicyDefaults.MODE)
    @JsonPropertyDescription("drain: enough replicas to absorb arrivals and clear the backlog within drainWithin; threshold: KEDA's ceil(lag / lagThreshold).")
    private String mode;

    @Default(PolicyDefaults.MIN_REPLICAS)
    @JsonPropertyDescription("Lower bound of the replica count.")
    @Min(0)
    @Max(REPLICAS_MAX)
    private Integer minReplicas;

    @Default(PolicyDefaults.MAX_REPLICAS)
    @JsonPropertyDescription("Upper bound of the replica count.")
    @Min(1)
    @Max(REPLICAS_MAX)
    private Integer maxReplicas;

    @JsonPropertyDescription("Replicas while there is no backlog and no arrivals for the cooldown (KEDA idleReplicaCount); unset: minReplicas.")
    @Min(0)
    @Max(REPLICAS_MAX)
    private Integer idleReplicas;

    @Default(PolicyDefaults.ACTIVATION_LAG_THRESHOLD)
    @JsonPropertyDescription("Backlog needed to scale out of zero.")
    @Min(0)
    private Long activationLagThreshold;

    @Default(PolicyDefaults.LAG_THRESHOLD)
    @JsonPropertyDescription("threshold mode: target lag per replica.")
    @Min(1)
    private Long lagThreshold;

    @Default(PolicyDefaults.DRAIN_WITHIN)
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("drain mode: clear the backlog within this time.")
    @Size(max = DURATION_MAX_LENGTH)
    private String drainWithin;

    @Default(PolicyDefaults.PER_REPLICA_RATE)
    @JsonPropertyDescription("drain mode: records/s one replica handles until Ebb has measured it.")
    @Min(value = 0, inclusive = false)
    private Double perReplicaRate;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Optional SLO on the age of the oldest unconsumed record.")
    @Size(max = DURATION_MAX_LENGTH)
    private String maxTimeLag;

    @Default(PolicyDefaults.COOLDOWN)
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Lag and arrivals must be zero this long before scaling to zero.")
    @Size(max = DURATION_MAX_LENGTH)
    private String cooldown;

    @JsonPropertyDescription("At most this many replicas added per decision (unset: no limit).")
    @Min(1)
    @Max(REPLICAS_MAX)
    private Integer scaleUpMaxStep;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Scale-down stabilization: the highest desire within this window wins. Unset: "
            + PolicyDefaults.SCALE_DOWN_WINDOW_DRAIN + " in drain mode, " + PolicyDefaults.SCALE_DOWN_WINDOW_THRESHOLD
            + " in threshold mode.")
    @Size(max = DURATION_MAX_LENGTH)
    private String scaleDownWindow;

    @JsonPropertyDescription("At most this many replicas removed per decision (unset: no limit).")
    @Min(1)
    @Max(REPLICAS_MAX)
    private Integer scaleDownMaxStep;

    @Default(PolicyDefaults.TOLERANCE)
    @JsonPropertyDescription("Relative change ignored against churn.")
    @Min(0)
    @Max(value = 1, inclusive = false)
    private Double tolerance;

    @Default(PolicyDefaults.READY_DELAY)
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Expected time until a new replica consumes (cold start plus rebalance).")
    @Size(max = DURATION_MAX_LENGTH)
    private String readyDelay;

    @Default(PolicyDefaults.REBALANCE_GRACE)
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("After a change, no scale-down until the group's membership settled or this passed.")
    @Size(max = DURATION_MAX_LENGTH)
    private String rebalanceGrace;

    @Default(PolicyDefaults.COMMIT_INTERVAL)
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("The workers' commit cadence; lag it explains is not saturation.")
    @Size(max = DURATION_MAX_LENGTH)
    private String commitInterval;

    @JsonPropertyDescription("What to do while lag cannot be observed.")
    private FallbackSettings fallback;

    @Default(PolicyDefaults.STALE_AFTER)
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("An observation older than this counts as missing.")
    @Size(max = DURATION_MAX_LENGTH)
    private String staleAfter;

    @Default(PolicyDefaults.FALSE)
    @JsonPropertyDescription("threshold mode (KEDA): allow more replicas than partitions.")
    private Boolean allowIdleConsumers;

    @Default(PolicyDefaults.FALSE)
    @JsonPropertyDescription("threshold mode (KEDA): ignore partitions whose committed offset does not move.")
    private Boolean excludePersistentLag;

    @Default(PolicyDefaults.FALSE)
    @JsonPropertyDescription("threshold mode (KEDA): a group without commits counts as lag 0 instead of 1.")
    private Boolean scaleToZeroOnInvalidOffset;

    @Default(PolicyDefaults.FALSE)
    @JsonPropertyDescription("threshold mode (KEDA): cap at the number of partitions with lag.")
    private Boolean limitToPartitionsWithLag;

    @JsonPropertyDescription("threshold mode (KEDA): partitions to count, e.g. 1,2,10-20.")
    private String partitionLimitation;

    @Default(PolicyDefaults.FALSE)
    @JsonPropertyDescription("threshold mode (KEDA): only replica counts that divide the partition count.")
    private Boolean ensureEvenDistributionOfPartitions;

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public Integer getMinReplicas() {
        return minReplicas;
    }

    public void setMinReplicas(Integer minReplicas) {
        this.minReplicas = minReplicas;
    }

    public Integer getMaxReplicas() {
        return maxReplicas;
    }

    public void setMaxReplicas(Integer maxReplicas) {
        this.maxReplicas = maxReplicas;
    }

    public Integer getIdleReplicas() {
        return idleReplicas;
    }

    public void setIdleReplicas(Integer idleReplicas) {
        this.idleReplicas = idleReplicas;
    }

    public Long getActivationLagThreshold() {
        return activationLagThreshold;
    }

    public void setActivationLagThreshold(Long activationLagThreshold) {
        this.activationLagThreshold = activationLagThreshold;
    }

    public Long getLagThreshold() {
        return lagThreshold;
    }

    public void setLagThreshold(Long lagThreshold) {
        this.lagThreshold = lagThreshold;
    }

    public String getDrainWithin() {
        return drainWithin;
    }

    public void setDrainWithin(String drainWithin) {
        this.drainWithin = drainWithin;
    }

    public Double getPerReplicaRate() {
        return perReplicaRate;
    }

    public void setPerReplicaRate(Double perReplicaRate) {
        this.perReplicaRate = perReplicaRate;
    }

    public String getMaxTimeLag() {
        return maxTimeLag;
    }

    public void setMaxTimeLag(String maxTimeLag) {
        this.maxTimeLag = maxTimeLag;
    }

    public String getCooldown() {
        return cooldown;
    }

    public void setCooldown(String cooldown) {
        this.cooldown = cooldown;
    }

    public Integer getScaleUpMaxStep() {
        return scaleUpMaxStep;
    }

    public void setScaleUpMaxStep(Integer scaleUpMaxStep) {
        this.scaleUpMaxStep = scaleUpMaxStep;
    }

    public String getScaleDownWindow() {
        return scaleDownWindow;
    }

    public void setScaleDownWindow(String scaleDownWindow) {
        this.scaleDownWindow = scaleDownWindow;
    }

    public Integer getScaleDownMaxStep() {
        return scaleDownMaxStep;
    }

    public void setScaleDownMaxStep(Integer scaleDownMaxStep) {
        this.scaleDownMaxStep = scaleDownMaxStep;
    }

    public Double getTolerance() {
        return tolerance;
    }

    public void setTolerance(Double tolerance) {
        this.tolerance = tolerance;
    }

    public String getReadyDelay() {
        return readyDelay;
    }

    public void setReadyDelay(String readyDelay) {
        this.readyDelay = readyDelay;
    }

    public String getRebalanceGrace() {
        return rebalanceGrace;
    }

    public void setRebalanceGrace(String rebalanceGrace) {
        this.rebalanceGrace = rebalanceGrace;
    }

    public String getCommitInterval() {
        return commitInterval;
    }

    public void setCommitInterval(String commitInterval) {
        this.commitInterval = commitInterval;
    }

    public FallbackSettings getFallback() {
        return fallback;
    }

    public void setFallback(FallbackSettings fallback) {
        this.fallback = fallback;
    }

    public String getStaleAfter() {
        return staleAfter;
    }

    public void setStaleAfter(String staleAfter) {
        this.staleAfter = staleAfter;
    }

    public Boolean getAllowIdleConsumers() {
        return allowIdleConsumers;
    }

    public void setAllowIdleConsumers(Boolean allowIdleConsumers) {
        this.allowIdleConsumers = allowIdleConsumers;
    }

    public Boolean getExcludePersistentLag() {
        return excludePersistentLag;
    }

    public void setExcludePersistentLag(Boolean excludePersistentLag) {
        this.excludePersistentLag = excludePersistentLag;
    }

    public Boolean getScaleToZeroOnInvalidOffset() {
        return scaleToZeroOnInvalidOffset;
    }

    public void setScaleToZeroOnInvalidOffset(Boolean scaleToZeroOnInvalidOffset) {
        this.scaleToZeroOnInvalidOffset = scaleToZeroOnInvalidOffset;
    }

    public Boolean getLimitToPartitionsWithLag() {
        return limitToPartitionsWithLag;
    }

    public void setLimitToPartitionsWithLag(Boolean limitToPartitionsWithLag) {
        this.limitToPartitionsWithLag = limitToPartitionsWithLag;
    }

    public String getPartitionLimitation() {
        return partitionLimitation;
    }

    public void setPartitionLimitation(String partitionLimitation) {
        this.partitionLimitation = partitionLimitation;
    }

    public Boolean getEnsureEvenDistributionOfPartitions() {
        return ensureEvenDistributionOfPartitions;
    }

    public void setEnsureEvenDistributionOfPartitions(Boolean ensureEvenDistributionOfPartitions) {
        this.ensureEvenDistributionOfPartitions = ensureEvenDistributionOfPartitions;
    }
}
