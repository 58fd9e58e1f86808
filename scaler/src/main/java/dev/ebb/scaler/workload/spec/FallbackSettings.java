package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** {@code spec.policy.fallback}: replicas while lag cannot be observed (KEDA's fallback). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FallbackSettings {

    @Default("3")
    @JsonPropertyDescription("Failed observations in a row before the fallback applies.")
    private Integer failureThreshold;

    @JsonPropertyDescription("Replicas for behavior static.")
    private Integer replicas;

    @Default("static")
    @Pattern("^(static|currentReplicas|currentReplicasIfHigher|currentReplicasIfLower)$")
    @JsonPropertyDescription("static, currentReplicas, currentReplicasIfHigher or currentReplicasIfLower (as KEDA).")
    private String behavior;

    public Integer getFailureThreshold() {
        return failureThreshold;
    }

    public void setFailureThreshold(Integer failureThreshold) {
        this.failureThreshold = failureThreshold;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getBehavior() {
        return behavior;
    }

    public void setBehavior(String behavior) {
        this.behavior = behavior;
    }
}
