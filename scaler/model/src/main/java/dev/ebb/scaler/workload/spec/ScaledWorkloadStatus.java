package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@code status} of a {@link ScaledWorkload}, written by the leading scaler. Never holds secret values. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaledWorkloadStatus {

    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;
    @JsonPropertyDescription("Ready, Active, Fallback, Paused.")
    private List<WorkloadCondition> conditions = new ArrayList<>();
    @JsonPropertyDescription("Records not yet consumed by the group, over its partitions.")
    private Long lag;
    @JsonPropertyDescription("Age of the oldest unconsumed record, e.g. 12s.")
    private String timeLag;
    @JsonPropertyDescription("Records/s appended to the group's partitions.")
    private Double arrivalRate;
    @JsonPropertyDescription("Records/s committed by the group.")
    private Double consumptionRate;
    @JsonPropertyDescription("Replicas the policy wants.")
    private Integer desiredReplicas;
    @JsonPropertyDescription("Replicas the target has (spec.replicas of its scale subresource).")
    private Integer currentReplicas;
    @JsonPropertyDescription("drain, threshold, paused, fallback.")
    private String mode;
    @JsonPropertyDescription("Reason of the latest decision.")
    private String lastReason;
    @JsonPropertyDescription("When the target was last scaled by Ebb (RFC 3339).")
    private String lastScaleTime;
    @JsonPropertyDescription("Reason of the last scale change.")
    private String lastScaleReason;
    @JsonPropertyDescription("Replicas the target had when Ebb first observed it; restored on deletion when "
            + "spec.restoreToOriginalReplicaCount is true.")
    private Integer originalReplicas;

    public Integer getOriginalReplicas() {
        return originalReplicas;
    }

    public void setOriginalReplicas(Integer originalReplicas) {
        this.originalReplicas = originalReplicas;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<WorkloadCondition> getConditions() {
        return conditions;
    }

    public void setConditions(List<WorkloadCondition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
    }

    public Optional<WorkloadCondition> condition(String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public Long getLag() {
        return lag;
    }

    public void setLag(Long lag) {
        this.lag = lag;
    }

    public String getTimeLag() {
        return timeLag;
    }

    public void setTimeLag(String timeLag) {
        this.timeLag = timeLag;
    }

    public Double getArrivalRate() {
        return arrivalRate;
    }

    public void setArrivalRate(Double arrivalRate) {
        this.arrivalRate = arrivalRate;
    }

    public Double getConsumptionRate() {
        return consumptionRate;
    }

    public void setConsumptionRate(Double consumptionRate) {
        this.consumptionRate = consumptionRate;
    }

    public Integer getDesiredReplicas() {
        return desiredReplicas;
    }

    public void setDesiredReplicas(Integer desiredReplicas) {
        this.desiredReplicas = desiredReplicas;
    }

    public Integer getCurrentReplicas() {
        return currentReplicas;
    }

    public void setCurrentReplicas(Integer currentReplicas) {
        this.currentReplicas = currentReplicas;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public String getLastReason() {
        return lastReason;
    }

    public void setLastReason(String lastReason) {
        this.lastReason = lastReason;
    }

    public String getLastScaleTime() {
        return lastScaleTime;
    }

    public void setLastScaleTime(String lastScaleTime) {
        this.lastScaleTime = lastScaleTime;
    }

    public String getLastScaleReason() {
        return lastScaleReason;
    }

    public void setLastScaleReason(String lastScaleReason) {
        this.lastScaleReason = lastScaleReason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaledWorkloadStatus s && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(conditions, s.conditions) && Objects.equals(lag, s.lag)
                && Objects.equals(timeLag, s.timeLag) && Objects.equals(arrivalRate, s.arrivalRate)
                && Objects.equals(consumptionRate, s.consumptionRate)
                && Objects.equals(desiredReplicas, s.desiredReplicas)
                && Objects.equals(currentReplicas, s.currentReplicas) && Objects.equals(mode, s.mode)
                && Objects.equals(lastReason, s.lastReason) && Objects.equals(lastScaleTime, s.lastScaleTime)
                && Objects.equals(lastScaleReason, s.lastScaleReason)
                && Objects.equals(originalReplicas, s.originalReplicas);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, conditions, lag, timeLag, desiredReplicas, currentReplicas, mode);
    }
}
