package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** {@code spec} of a {@link ScaledWorkload}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaledWorkloadSpec {

    /** Default of {@code pollInterval}. */
    public static final String DEFAULT_POLL_INTERVAL = "1s";

    @Required
    @JsonPropertyDescription("The workload to scale: a Deployment, StatefulSet or any resource with a scale subresource.")
    private ScaleTargetRefSpec scaleTargetRef;

    @Required
    @JsonPropertyDescription("The Kafka cluster and group whose backlog drives the replica count.")
    private KafkaSpec kafka;

    @JsonPropertyDescription("How the replica count is decided from the backlog.")
    private PolicySettings policy;

    @Default(DEFAULT_POLL_INTERVAL)
    @Pattern(Durations.PATTERN)
    @io.fabric8.generator.annotation.Size(max = PolicySettings.DURATION_MAX_LENGTH)
    @JsonPropertyDescription("How often the group's lag is observed, e.g. 1s, 5s, 1m. A multiple of the scaler's tick.")
    private String pollInterval;

    @Default("false")
    @JsonPropertyDescription("When the ScaledWorkload is deleted, set the target back to the replicas it had before Ebb "
            + "first scaled it (as KEDA's restoreToOriginalReplicaCount); otherwise leave it as it is.")
    private Boolean restoreToOriginalReplicaCount;

    public Boolean getRestoreToOriginalReplicaCount() {
        return restoreToOriginalReplicaCount;
    }

    public void setRestoreToOriginalReplicaCount(Boolean restoreToOriginalReplicaCount) {
        this.restoreToOriginalReplicaCount = restoreToOriginalReplicaCount;
    }

    public ScaleTargetRefSpec getScaleTargetRef() {
        return scaleTargetRef;
    }

    public void setScaleTargetRef(ScaleTargetRefSpec scaleTargetRef) {
        this.scaleTargetRef = scaleTargetRef;
    }

    public KafkaSpec getKafka() {
        return kafka;
    }

    public void setKafka(KafkaSpec kafka) {
        this.kafka = kafka;
    }

    public PolicySettings getPolicy() {
        return policy;
    }

    public void setPolicy(PolicySettings policy) {
        this.policy = policy;
    }

    public String getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(String pollInterval) {
        this.pollInterval = pollInterval;
    }
}
