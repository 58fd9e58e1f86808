package dev.ebb.scaler.k8s;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * A namespaced resource with a scale subresource, as discovery describes it.
 *
 * @param replicasInSpec whether {@code spec.replicas} of the object is its scale (true for the built-in kinds)
 */
record ScalableResource(String group, String version, String plural, String kind, boolean replicasInSpec) {

    ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
                .withKind(kind).withNamespaced(true).build();
    }

    String apiResource() {
        return plural + "/scale" + (group.isEmpty() ? "" : " in API group '" + group + "'");
    }

    /** {@code <group>/<version>} as a scaleTargetRef writes it ({@code v1} for the core group). */
    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }
}
