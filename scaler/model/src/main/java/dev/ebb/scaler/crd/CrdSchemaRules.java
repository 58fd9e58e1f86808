package dev.ebb.scaler.crd;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;
import dev.ebb.scaler.workload.spec.FallbackSettings;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.List;

/**
 * What the CRD generator's annotations cannot say, added to the generated schema: enums of the string fields (the
 * values are the spec model's constants, which {@code WorkloadSpecMapper} checks too), conditions in the shape of
 * {@code metav1.Condition} (a list map keyed by type, status enum, date-time), and the {@code ebb} category
 * ({@code kubectl get ebb}).
 */
final class CrdSchemaRules {

    /** {@code kubectl get <category>} lists ScaledWorkloads. */
    static final List<String> CATEGORIES = List.of("ebb");

    private CrdSchemaRules() {
    }

    static HasMetadata apply(HasMetadata resource) {
        if (!(resource instanceof CustomResourceDefinition crd)) {
            return resource;
        }
        crd.getSpec().getNames().setCategories(CATEGORIES);
        for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
            JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
            enumOf(at(root, "spec", "policy", "mode"), PolicySettings.MODES);
            enumOf(at(root, "spec", "policy", "fallback", "behavior"), FallbackSettings.BEHAVIORS);
            enumOf(at(root, "spec", "kafka", "isolationLevel"), KafkaSpec.ISOLATION_LEVELS);
            enumOf(at(root, "spec", "kafka", "offsetResetPolicy"), KafkaSpec.OFFSET_RESET_POLICIES);
            JSONSchemaProps conditions = at(root, "status", "conditions");
            conditions.setXKubernetesListType("map");
            conditions.setXKubernetesListMapKeys(List.of("type"));
            JSONSchemaProps condition = conditions.getItems().getSchema();
            enumOf(condition.getProperties().get("status"), WorkloadCondition.STATUSES);
            condition.getProperties().get("lastTransitionTime").setFormat("date-time");
        }
        return crd;
    }

    private static JSONSchemaProps at(JSONSchemaProps root, String... path) {
        JSONSchemaProps p = root;
        for (String name : path) {
            p = p.getProperties().get(name);
            if (p == null) {
                throw new IllegalStateException("No " + String.join(".", path) + " in the generated schema");
            }
        }
        return p;
    }

    private static void enumOf(JSONSchemaProps p, List<String> values) {
        p.setEnum(values.stream().<JsonNode>map(StringNode::valueOf).toList());
    }
}
