package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadStatus;
import dev.ebb.scaler.workload.spec.WorkloadCondition;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The attack of issue 9 and its relatives, against the whole scaler serving every namespace: a tenant of
 * {@code team-a} points ScaledWorkloads at {@code kube-system} (a path in apiVersion with a {@code #}, a path in the
 * name, cluster-scoped kinds), with {@code ebb.dev/paused-replicas: "0"}. The scaler is a real service (catalog,
 * leader election, loop, target, status, Events) on a real Kafka broker and fabric8's mock API server in CRUD mode,
 * which records every request: none of them may touch an object outside {@code team-a} (the tenant's) or
 * {@code ebb-system} (the scaler's Lease), the victim keeps its replicas, and no status or Event of the tenant carries
 * data of the victim.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TenantIsolationIT {

    private static final Pattern NAMESPACED = Pattern.compile("^/apis?/.*?/namespaces/([^/?]+)");
    private MockCluster cluster;
    private RecordingApiServer api;
    private KubernetesClient client;

    @BeforeEach
    void start() throws Exception {
        cluster = MockCluster.start();
        api = cluster.api;
        client = cluster.client;
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void aTenantCannotReachOrSeeAnythingOutsideItsNamespace(KafkaBroker broker) throws Exception {
        cluster.deployment("kube-system", "coredns", 2);
        cluster.deployment("team-a", "orders-fn", 0);
        MockCluster.topicWithGroupsAtZero(broker, broker.clientConfig(), "iso-orders", 2, "iso-group");
        create(broker, "good", "apps/v1", "Deployment", "orders-fn", false);
        create(broker, "issue-9", "apps/v1/namespaces/kube-system/deployments/coredns/scale#", "Deployment",
                "coredns", true);
        create(broker, "name-path", "apps/v1", "Deployment", "../../kube-system/deployments/coredns", true);
        create(broker, "node", "v1", "Node", "worker-1", true);
        create(broker, "namespace", "v1", "Namespace", "kube-system", true);
        api.forget();

        cluster.startScaler(MockCluster.fastSettings("scaler-iso"));
        MockCluster.produce(broker.clientConfig(), "iso-orders", 40);

        awaitTrue(() -> replicas("team-a", "orders-fn") == 2, "the good workload scales its own Deployment to 2");
        for (String name : List.of("issue-9", "name-path", "node", "namespace")) {
            awaitTrue(() -> status(name).flatMap(s -> s.condition("Ready")).isPresent(),
                    name + " gets a Ready condition");
        }
        assertThat(ready("issue-9").getReason()).isEqualTo("InvalidSpec");
        assertThat(ready("issue-9").getMessage()).contains("for spec.scaleTargetRef.apiVersion: must be");
        assertThat(ready("name-path").getReason()).isEqualTo("InvalidSpec");
        assertThat(ready("name-path").getMessage()).contains("for spec.scaleTargetRef.name: must be");
        assertThat(ready("node").getReason()).isEqualTo("ClusterScopedTarget");
        assertThat(ready("namespace").getReason()).isEqualTo("ClusterScopedTarget");
        for (String name : List.of("issue-9", "name-path", "node", "namespace")) {
            assertThat(ready(name).getStatus()).isEqualTo("False");
            // Nothing of the victim: no replica count, no original count read from it.
            assertThat(status(name).orElseThrow().getCurrentReplicas()).isNull();
            assertThat(status(name).orElseThrow().getOriginalReplicas()).isNull();
        }

        // What the scaler sent (and this test's reads of team-a so far); the victim is looked at only afterwards.
        List<RecordingApiServer.Request> sent = api.requests();
        Set<String> allowed = Set.of("team-a", "ebb-system");
        assertThat(sent).isNotEmpty().allSatisfy(r -> {
            Matcher m = NAMESPACED.matcher(r.path());
            if (m.find()) {
                assertThat(m.group(1)).as("namespace of %s", r).isIn(allowed);
            }
            assertThat(r.path()).as("request %s", r).doesNotContain("kube-system", "/nodes", "#", "..");
            if (!r.method().equals("GET")) {
                assertThat(m.matches() || m.find(0)).as("every write is namespaced: %s", r).isTrue();
            }
        });
        assertThat(sent).filteredOn(r -> r.method().equals("PATCH") && r.path().endsWith("/scale"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.path())
                        .isEqualTo("/apis/apps/v1/namespaces/team-a/deployments/orders-fn/scale"));
        assertThat(replicas("kube-system", "coredns")).isEqualTo(2);
        assertThat(client.v1().events().inNamespace("kube-system").list().getItems()).isEmpty();
        assertThat(client.v1().events().inNamespace("team-a").list().getItems())
                .allSatisfy(e -> assertThat(e.getInvolvedObject().getName()).isIn("good", "orders-fn"));
    }

    private void create(KafkaBroker broker, String name, String apiVersion, String kind, String target,
                        boolean pausedAtZero) {
        ScaledWorkload sw = MockCluster.thresholdWorkload("team-a", name, new ScaleTargetRefSpec(apiVersion, kind,
                target), broker.bootstrapServers(), "iso-group", "iso-orders", 20L, 4);
        if (pausedAtZero) {
            sw.getMetadata().setAnnotations(Map.of(ScaledWorkload.PAUSED_ANNOTATION, "true",
                    ScaledWorkload.PAUSED_REPLICAS_ANNOTATION, "0"));
        }
        // The mock checks no schema: the API server's patterns would refuse the first two; the scaler must too.
        cluster.create(sw);
    }

    private int replicas(String ns, String name) {
        return cluster.replicas(ns, name);
    }

    private Optional<ScaledWorkloadStatus> status(String name) {
        return cluster.status("team-a", name);
    }

    private WorkloadCondition ready(String name) {
        return status(name).orElseThrow().condition("Ready").orElseThrow();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        MockCluster.awaitTrue(condition, what);
    }
}
