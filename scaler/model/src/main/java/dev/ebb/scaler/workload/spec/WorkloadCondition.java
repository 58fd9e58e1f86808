package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/**
 * A status condition in the shape of Kubernetes' {@code metav1.Condition}: type, status True/False/Unknown, reason,
 * message (at most {@value #MESSAGE_MAX_LENGTH} characters: longer ones are cut), lastTransitionTime (RFC 3339),
 * observedGeneration. The schema requires what metav1.Condition requires.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadCondition {

    /** Values of {@code status}. */
    public static final List<String> STATUSES = List.of("True", "False", "Unknown");
    /** metav1.Condition's limit on {@code message}. */
    public static final int MESSAGE_MAX_LENGTH = 32768;

    @Required
    @Size(max = 316)
    @JsonPropertyDescription("Ready, Active, Fallback or Paused.")
    private String type;
    @Required
    @JsonPropertyDescription("True, False or Unknown.")
    private String status;
    @Required
    @Size(min = 1, max = 1024)
    @JsonPropertyDescription("CamelCase reason, e.g. Scaling, InvalidSpec.")
    private String reason;
    @Required
    @Size(max = MESSAGE_MAX_LENGTH)
    @JsonPropertyDescription("What a person needs to act on.")
    private String message;
    @Required
    @JsonPropertyDescription("When status last changed (RFC 3339).")
    private String lastTransitionTime;
    @Min(0)
    @JsonPropertyDescription("metadata.generation the condition was set for.")
    private Long observedGeneration;

    public WorkloadCondition() {
    }

    public WorkloadCondition(String type, String status, String reason, String message, String lastTransitionTime,
                             Long observedGeneration) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = cut(message);
        this.lastTransitionTime = lastTransitionTime;
        this.observedGeneration = observedGeneration;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = cut(message);
    }

    /** The API server refuses a longer message, and with it the whole status. */
    private static String cut(String message) {
        if (message == null || message.length() <= MESSAGE_MAX_LENGTH) {
            return message;
        }
        return message.substring(0, MESSAGE_MAX_LENGTH - 1) + "…";
    }

    public String getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    /** Same meaning: everything but the transition time. */
    public boolean sameAs(WorkloadCondition other) {
        return other != null && Objects.equals(type, other.type) && Objects.equals(status, other.status)
                && Objects.equals(reason, other.reason) && Objects.equals(message, other.message)
                && Objects.equals(observedGeneration, other.observedGeneration);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkloadCondition c && sameAs(c) && Objects.equals(lastTransitionTime, c.lastTransitionTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, status, reason, message, lastTransitionTime, observedGeneration);
    }

    @Override
    public String toString() {
        return type + "=" + status + " (" + reason + "): " + message;
    }
}
