package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.ebb.scaler.policy.PolicyDefaults;
import dev.ebb.scaler.policy.PolicyField;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** {@code spec.policy.fallback}: replicas while lag cannot be observed (KEDA's fallback). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.behavior) && self.behavior == 'currentReplicas') || has(self.replicas)",
        message = "replicas is required unless behavior is currentReplicas", reason = "FieldValueRequired",
        fieldPath = ".replicas")
public class FallbackSettings {

    /** Values of {@code behavior}, as KEDA spells them. */
    public static final List<String> BEHAVIORS = PolicyField.FALLBACK_BEHAVIOR.choices();

    @Default(PolicyDefaults.FALLBACK_FAILURE_THRESHOLD)
    @Min(1)
    @Max(PolicySettings.REPLICAS_MAX)
    @JsonPropertyDescription("Failed observations in a row before the fallback applies.")
    private Integer failureThreshold;

    @Min(1)
    @Max(PolicySettings.REPLICAS_MAX)
    @JsonPropertyDescription("The fallback count: required unless behavior is currentReplicas; never 0.")
    private Integer replicas;

    @Default(PolicyDefaults.FALLBACK_BEHAVIOR)
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
