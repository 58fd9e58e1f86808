package dev.ebb.scaler.workload;

import dev.ebb.scaler.lag.KafkaClientSettings;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Admin client settings of a workload: {@code spec.kafka.config} and the Secret of
 * {@code spec.kafka.securitySecretRef}, each checked against {@link KafkaClientSettings}'s allow-list, then merged
 * (the Secret wins) and checked as a whole. Problems name the field, the value (hidden when secret) and the rule.
 */
final class KafkaClientMapper {

    private KafkaClientMapper() {
    }

    /**
     * @param secretConfig the keys of the {@code securitySecretRef} Secret, already read (empty when none)
     * @return the settings to add to the Admin client's configuration (without {@code bootstrap.servers})
     */
    static Map<String, String> clientConfig(KafkaSpec kafka, Map<String, String> secretConfig,
                                            List<String> problems) {
        int before = problems.size();
        Map<String, String> config = kafka.getConfig() == null ? Map.of() : kafka.getConfig();
        problems.addAll(KafkaClientSettings.problems("spec.kafka.config", config));
        String secretName = kafka.getSecuritySecretRef() == null ? null : kafka.getSecuritySecretRef().getName();
        String secretWhere = secretName == null ? "spec.kafka.securitySecretRef" : "Secret " + secretName;
        problems.addAll(KafkaClientSettings.problems(secretWhere, secretConfig));
        Map<String, String> merged = new LinkedHashMap<>(config);
        merged.putAll(secretConfig);
        if (problems.size() == before) {
            problems.addAll(KafkaClientSettings.crossProblems("spec.kafka", merged));
        }
        return merged;
    }
}
