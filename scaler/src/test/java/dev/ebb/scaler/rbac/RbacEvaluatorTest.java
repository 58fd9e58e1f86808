package dev.ebb.scaler.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RbacEvaluatorTest {

    private static final String SA = """
            subjects:
              - kind: ServiceAccount
                name: ebb-scaler
                namespace: ebb-system
            """;

    @Test
    void mapsPathsToVerbsGroupsResourcesAndSubresourcesAsTheApiServerDoes() {
        assertThat(ApiRequest.of("PATCH", "/apis/apps/v1/namespaces/shop/deployments/fn/scale"))
                .extracting(ApiRequest::verb, ApiRequest::group, ApiRequest::fullResource, ApiRequest::namespace,
                        ApiRequest::name)
                .containsExactly("patch", "apps", "deployments/scale", "shop", "fn");
        assertThat(ApiRequest.of("GET", "/apis/ebb.dev/v1alpha1/scaledworkloads?resourceVersion=0&watch=true"))
                .extracting(ApiRequest::verb, ApiRequest::namespace).containsExactly("watch", null);
        assertThat(ApiRequest.of("GET", "/apis/ebb.dev/v1alpha1/namespaces/shop/scaledworkloads?limit=500"))
                .extracting(ApiRequest::verb, ApiRequest::namespace).containsExactly("list", "shop");
        assertThat(ApiRequest.of("POST", "/api/v1/namespaces/shop/events"))
                .extracting(ApiRequest::verb, ApiRequest::group, ApiRequest::resource)
                .containsExactly("create", "", "events");
        assertThat(ApiRequest.of("GET", "/api/v1/namespaces/shop"))
                .extracting(ApiRequest::verb, ApiRequest::resource, ApiRequest::name)
                .containsExactly("get", "namespaces", "shop");
        assertThat(ApiRequest.of("DELETE", "/api/v1/namespaces/shop/pods"))
                .extracting(ApiRequest::verb).isEqualTo("deletecollection");
        assertThat(ApiRequest.of("GET", "/version").isResourceRequest()).isFalse();
    }

    @Test
    void refusesTheLeasePatchThatFabric8sLeaderElectorSendsWithoutThePatchVerb() {
        RbacPolicy old = RbacPolicy.fromYaml("""
                kind: Role
                metadata: {name: le, namespace: ebb-system}
                rules:
                  - apiGroups: ["coordination.k8s.io"]
                    resources: ["leases"]
                    verbs: ["get", "create", "update"]
                ---
                kind: RoleBinding
                metadata: {name: le, namespace: ebb-system}
                roleRef: {kind: Role, name: le}
                """ + SA);
        ApiRequest renew = ApiRequest.of("PATCH",
                "/apis/coordination.k8s.io/v1/namespaces/ebb-system/leases/ebb-scaler");
        assertThat(old.allows(renew)).isFalse();
        assertThat(old.allows(ApiRequest.of("PUT",
                "/apis/coordination.k8s.io/v1/namespaces/ebb-system/leases/ebb-scaler"))).isTrue();
        assertThat(RbacPolicy.shipped().allows(renew)).as("deploy/rbac grants the lease patch").isTrue();
    }

    @Test
    void aRoleGrantsOnlyInItsBindingsNamespace() {
        RbacPolicy shipped = RbacPolicy.shipped();
        assertThat(shipped.allows(ApiRequest.of("GET",
                "/apis/coordination.k8s.io/v1/namespaces/ebb-system/leases/ebb-scaler"))).isTrue();
        assertThat(shipped.allows(ApiRequest.of("GET",
                "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/ebb-scaler"))).isFalse();
    }

    @Test
    void aSubresourceRuleGrantsNeitherTheObjectNorAnotherSubresource() {
        RbacPolicy shipped = RbacPolicy.shipped();
        assertThat(shipped.allows(ApiRequest.of("PATCH", "/apis/apps/v1/namespaces/shop/deployments/fn/scale")))
                .isTrue();
        assertThat(shipped.allows(ApiRequest.of("PATCH", "/apis/apps/v1/namespaces/shop/deployments/fn")))
                .isFalse();
        assertThat(shipped.allows(ApiRequest.of("GET", "/apis/apps/v1/namespaces/shop/deployments/fn/status")))
                .isFalse();
        assertThat(shipped.allows(ApiRequest.of("DELETE", "/apis/apps/v1/namespaces/shop/deployments/fn/scale")))
                .isFalse();
    }

    @Test
    void secretsOnlyByNameInTheNamespaceAnOperatorGranted() {
        RbacPolicy shipped = RbacPolicy.shipped();
        ApiRequest get = ApiRequest.of("GET", "/api/v1/namespaces/team-a/secrets/kafka");
        assertThat(shipped.allows(get)).isFalse();
        RbacPolicy granted = shipped.plus(RbacPolicy.secretReader("team-a", "kafka"));
        assertThat(granted.allows(get)).isTrue();
        assertThat(granted.allows(ApiRequest.of("GET", "/api/v1/namespaces/team-a/secrets/other"))).isFalse();
        assertThat(granted.allows(ApiRequest.of("GET", "/api/v1/namespaces/team-b/secrets/kafka"))).isFalse();
        // resourceNames never grant list or watch: they would reveal every Secret.
        assertThat(granted.allows(ApiRequest.of("GET", "/api/v1/namespaces/team-a/secrets"))).isFalse();
    }

    @Test
    void bindingsForOtherSubjectsGrantNothing() {
        RbacPolicy other = RbacPolicy.fromYaml("""
                kind: ClusterRole
                metadata: {name: all}
                rules:
                  - apiGroups: ["*"]
                    resources: ["*"]
                    verbs: ["*"]
                ---
                kind: ClusterRoleBinding
                metadata: {name: all}
                roleRef: {kind: ClusterRole, name: all}
                subjects:
                  - kind: ServiceAccount
                    name: ebb-scaler
                    namespace: team-a
                """);
        assertThat(other.allows(ApiRequest.of("GET", "/api/v1/namespaces/shop/pods"))).isFalse();
        assertThat(other.grants()).isEmpty();
    }

    @Test
    void wildcardsMatchAnyGroupResourceAndVerb() {
        RbacPolicy all = RbacPolicy.fromYaml("""
                kind: ClusterRole
                metadata: {name: all}
                rules:
                  - apiGroups: ["*"]
                    resources: ["*/scale"]
                    verbs: ["*"]
                ---
                kind: ClusterRoleBinding
                metadata: {name: all}
                roleRef: {kind: ClusterRole, name: all}
                """ + SA);
        assertThat(all.allows(ApiRequest.of("PATCH", "/apis/example.com/v1/namespaces/x/pools/p/scale"))).isTrue();
        assertThat(all.allows(ApiRequest.of("PATCH", "/apis/example.com/v1/namespaces/x/pools/p"))).isFalse();
    }
}
