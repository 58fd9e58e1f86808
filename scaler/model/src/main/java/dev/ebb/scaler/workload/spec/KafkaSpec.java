package dev.ebb.scaler.workload.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.ebb.scaler.policy.PolicyDefaults;
import dev.ebb.scaler.policy.PolicyField;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** {@code spec.kafka}: where the backlog is. Credentials only by Secret reference, never inline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.consumerGroup) != has(self.shareGroup)",
        message = "exactly one of consumerGroup and shareGroup must be set", reason = "FieldValueInvalid")
public class KafkaSpec {

    /** Default of {@code isolationLevel}. */
    public static final String DEFAULT_ISOLATION_LEVEL = "read_uncommitted";
    /** Values of {@code isolationLevel}. */
    public static final List<String> ISOLATION_LEVELS = List.of("read_uncommitted", "read_committed");
    /** Values of {@code offsetResetPolicy}: the policy's declaration of the setting. */
    public static final List<String> OFFSET_RESET_POLICIES = PolicyField.OFFSET_RESET_POLICY.choices();

    @Required
    @JsonPropertyDescription("Kafka bootstrap servers, e.g. kafka:9092.")
    private String bootstrapServers;

    @Size(min = 1, max = 255)
    @JsonPropertyDescription("Consumer group id. Exactly one of consumerGroup and shareGroup is required.")
    private String consumerGroup;

    @Size(min = 1, max = 255)
    @JsonPropertyDescription("Share group id (queues for Kafka); share groups are not capped at the partition count.")
    private String shareGroup;

    @JsonPropertyDescription("Topics to count. Empty: every topic the group has committed offsets for.")
    private List<String> topics;

    @Default(DEFAULT_ISOLATION_LEVEL)
    @JsonPropertyDescription("read_uncommitted or read_committed (lag up to the last stable offset).")
    private String isolationLevel;

    @Default(PolicyDefaults.OFFSET_RESET_POLICY)
    @JsonPropertyDescription("Lag of a partition the group never committed: latest counts 0, earliest counts every "
            + "record in the log.")
    private String offsetResetPolicy;

    @JsonPropertyDescription("Credentials by layout: SASL username/password keys of a Secret, TLS with a CA Secret "
            + "and a client certificate Secret (Strimzi KafkaUser). Read by reference, never copied.")
    private KafkaAuthentication authentication;

    @JsonPropertyDescription("Secret in the same namespace whose keys are raw Kafka client settings "
            + "(security.protocol, sasl.mechanism, sasl.jaas.config, PEM ssl.*); only the allow-list in "
            + "KUBERNETES.md is accepted. Read by reference, never copied.")
    private SecretRefSpec securitySecretRef;

    @JsonPropertyDescription("Non-secret Kafka client settings for the scaler's Admin client, e.g. client.rack; only "
            + "the allow-list in KUBERNETES.md is accepted (no classes, files or timeouts).")
    private Map<String, String> config;

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getConsumerGroup() {
        return consumerGroup;
    }

    public void setConsumerGroup(String consumerGroup) {
        this.consumerGroup = consumerGroup;
    }

    public String getShareGroup() {
        return shareGroup;
    }

    public void setShareGroup(String shareGroup) {
        this.shareGroup = shareGroup;
    }

    public List<String> getTopics() {
        return topics;
    }

    public void setTopics(List<String> topics) {
        this.topics = topics;
    }

    public String getIsolationLevel() {
        return isolationLevel;
    }

    public void setIsolationLevel(String isolationLevel) {
        this.isolationLevel = isolationLevel;
    }

    public String getOffsetResetPolicy() {
        return offsetResetPolicy;
    }

    public void setOffsetResetPolicy(String offsetResetPolicy) {
        this.offsetResetPolicy = offsetResetPolicy;
    }

    public KafkaAuthentication getAuthentication() {
        return authentication;
    }

    public void setAuthentication(KafkaAuthentication authentication) {
        this.authentication = authentication;
    }

    public SecretRefSpec getSecuritySecretRef() {
        return securitySecretRef;
    }

    public void setSecuritySecretRef(SecretRefSpec securitySecretRef) {
        this.securitySecretRef = securitySecretRef;
    }

    public Map<String, String> getConfig() {
        return config;
    }

    public void setConfig(Map<String, String> config) {
        this.config = config;
    }
}
