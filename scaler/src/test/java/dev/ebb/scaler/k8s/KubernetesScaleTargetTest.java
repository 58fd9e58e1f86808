package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.scaler.loop.ScaleTargetException;
import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scale target against fabric8's mock API server in CRUD mode, with every request recorded: replicas come from an
 * informer (one LIST and one WATCH per kind and namespace, no GET per call), the write is a JSON merge patch of
 * {@code .../scale} carrying the resourceVersion it was decided on, a deposed leader sends nothing, and kinds that
 * are cluster-scoped or have no scale subresource are refused before any request about the object.
 */
class KubernetesScaleTargetTest {

    private static final TargetRef DEPLOYMENT = new TargetRef("shop", "apps/v1", "Deployment", "orders-fn");
    private static final String SCALE_PATH = "/apis/apps/v1/namespaces/shop/deployments/orders-fn/scale";

    private RecordingApiServer api;
    private KubernetesClient client;
    private ExecutorService executor;
    private KubernetesScaleTarget target;
    private final AtomicInteger leaderChecks = new AtomicInteger();
    private volatile int leadFor = Integer.MAX_VALUE;

    @BeforeEach
    void start() {
        api = new RecordingApiServer().start();
        client = client();
        executor = Executors.newCachedThreadPool();
        target = new KubernetesScaleTarget(client, executor,
                new KubernetesScaleTarget.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50)),
                () -> leaderChecks.incrementAndGet() <= leadFor);
    }

    @AfterEach
    void stop() {
        target.close();
        client.close();
        api.stop();
        executor.shutdownNow();
    }

    /** fabric8's own retry of 429/5xx is off, so that the scale target's retry is what is tested. */
    private KubernetesClient client() {
        return api.server().createClient(b -> b.withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(api.server().url("/")).withTrustCerts(true).withNamespace("test")
                .withRequestRetryBackoffLimit(0).build()));
    }

    @Test
    void readsReplicasFromOneSharedInformerInsteadOfAGetPerCall() throws Exception {
        create("shop", "orders-fn", 3);
        create("shop", "billing-fn", 2);
        api.forget();
        for (int i = 0; i < 20; i++) {
            assertThat(get(target.currentReplicas(DEPLOYMENT))).isEqualTo(3);
            assertThat(get(target.currentReplicas(new TargetRef("shop", "apps/v1", "Deployment", "billing-fn"))))
                    .isEqualTo(2);
        }
        assertThat(api.requests()).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.resourcePath()).isEqualTo("/apis/apps/v1/namespaces/shop/deployments");
        });
        assertThat(api.requests()).filteredOn(r -> !r.path().contains("watch=true")).hasSize(1);
    }

    @Test
    void patchesTheScaleSubresourceWithTheResourceVersionItDecidedOn() throws Exception {
        String version = create("shop", "orders-fn", 1).getMetadata().getResourceVersion();

        ScaleOutcome outcome = get(target.scale(DEPLOYMENT, 4, "lag 400"));

        assertThat(outcome).isEqualTo(new ScaleOutcome.Scaled(1, 4));
        List<RecordingApiServer.Request> patches = patches();
        assertThat(patches).hasSize(1);
        assertThat(patches.get(0).path()).isEqualTo(SCALE_PATH);
        assertThat(patches.get(0).body()).isEqualTo("{\"metadata\":{\"resourceVersion\":\"" + version
                + "\"},\"spec\":{\"replicas\":4}}");
        assertThat(replicas("shop", "orders-fn")).isEqualTo(4);
    }

    @Test
    void consecutiveWritesNeverConflictWithTheirOwnEarlierWrites() throws Exception {
        create("shop", "orders-fn", 0);
        for (int n = 1; n <= 30; n++) {
            assertThat(get(target.scale(DEPLOYMENT, n, "lag"))).isEqualTo(new ScaleOutcome.Scaled(n - 1, n));
        }
        assertThat(replicas("shop", "orders-fn")).isEqualTo(30);
    }

    @Test
    void sendsNoPatchWhenTheCountIsAlreadyRight() throws Exception {
        create("shop", "orders-fn", 2);
        assertThat(get(target.scale(DEPLOYMENT, 2, "hold"))).isEqualTo(new ScaleOutcome.Unchanged(2));
        assertThat(patches()).isEmpty();
    }

    @Test
    void findsTheScaleOfACustomKindThroughDiscoveryAndReadsItOncePerChange() throws Exception {
        api.discover("example.com/v1", RecordingApiServer.res("functionpools", "FunctionPool", true),
                RecordingApiServer.res("functionpools/scale", "Scale", true));
        ResourceDefinitionContext pools = new ResourceDefinitionContext.Builder().withGroup("example.com")
                .withVersion("v1").withPlural("functionpools").withKind("FunctionPool").withNamespaced(true).build();
        GenericKubernetesResource pool = client.genericKubernetesResources(pools).inNamespace("shop")
                .resource(new GenericKubernetesResourceBuilder().withApiVersion("example.com/v1")
                        .withKind("FunctionPool").withNewMetadata().withName("pool-a").withNamespace("shop")
                        .endMetadata().withAdditionalProperties(Map.of("spec", Map.of("size", 0))).build()).create();
        String path = "/apis/example.com/v1/namespaces/shop/functionpools/pool-a/scale";
        String version = pool.getMetadata().getResourceVersion();
        api.answerOnce("GET", path, 200, RecordingApiServer.scale("shop", "pool-a", 0, version));
        api.answerOnce("PATCH", path, 200, RecordingApiServer.scale("shop", "pool-a", 2, version));
        TargetRef ref = new TargetRef("shop", "example.com/v1", "FunctionPool", "pool-a");

        assertThat(get(target.currentReplicas(ref))).isZero();
        assertThat(get(target.currentReplicas(ref))).isZero();
        ScaleOutcome outcome = get(target.scale(ref, 2, "lag"));

        assertThat(outcome).isEqualTo(new ScaleOutcome.Scaled(0, 2));
        assertThat(api.requests()).filteredOn(r -> r.resourcePath().equals(path) && r.method().equals("GET"))
                .hasSize(1);
        assertThat(patches()).extracting(RecordingApiServer.Request::path).containsExactly(path);
    }

    @Test
    void refusesClusterScopedKindsAndKindsWithoutAScaleSubresource() throws Exception {
        assertRefused(new TargetRef("shop", "v1", "Node", "worker-1"), "cluster_scoped", "cluster-scoped");
        assertRefused(new TargetRef("shop", "v1", "Namespace", "kube-system"), "cluster_scoped", "cluster-scoped");
        assertRefused(new TargetRef("shop", "rbac.authorization.k8s.io/v1", "ClusterRole", "admin"),
                "cluster_scoped", "cluster-scoped");
        assertRefused(new TargetRef("shop", "apps/v1", "DaemonSet", "agent"), "no_scale", "no scale subresource");
        assertRefused(new TargetRef("shop", "v1", "Pod", "web-0"), "no_scale", "no scale subresource");
        assertRefused(new TargetRef("shop", "nowhere.example/v1", "Thing", "a"), "not_found", "not served");
        // Nothing but discovery was asked: no request about any of these objects.
        assertThat(api.requests()).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.resourcePath()).doesNotContain("/namespaces/");
        });
    }

    @Test
    void refusesReplicaSetsAndReplicationControllersNamingFieldValueAndRuleBeforeSendingAnything() throws Exception {
        // The ClusterRole grants neither: they would only end as Forbidden. Refused by name, whatever the apiVersion.
        assertRefused(new TargetRef("shop", "apps/v1", "ReplicaSet", "orders-fn-5d8f"), "unsupported_kind",
                "Invalid value 'ReplicaSet' for spec.scaleTargetRef.kind: Ebb does not scale ReplicaSets");
        assertRefused(new TargetRef("shop", "v1", "ReplicationController", "legacy"), "unsupported_kind",
                "Invalid value 'ReplicationController' for spec.scaleTargetRef.kind: Ebb does not scale "
                        + "ReplicationControllers");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void stopsWatchingANamespaceOnceNoTargetThereIsNamedAnyMore() throws Exception {
        create("shop", "orders-fn", 1);
        create("billing", "invoices-fn", 2);
        TargetRef invoices = new TargetRef("billing", "apps/v1", "Deployment", "invoices-fn");
        assertThat(get(target.currentReplicas(DEPLOYMENT))).isEqualTo(1);
        assertThat(get(target.currentReplicas(invoices))).isEqualTo(2);
        assertThat(target.watched()).extracting(ScaleInformers.Key::namespace)
                .containsExactlyInAnyOrder("shop", "billing");

        target.retain(List.of(DEPLOYMENT)); // the last workload in billing is gone

        assertThat(target.watched()).extracting(ScaleInformers.Key::namespace).containsExactly("shop");
        // A workload that comes back gets a fresh informer (a new LIST), not the stopped one.
        api.forget();
        // As the loop does on its next tick, ask again when an informer failed to start: rarely, the LIST goes out on a
        // pooled connection the mock server is closing and waits out the client's request timeout. Each attempt is a
        // fresh informer: one LIST each at most (a LIST lost on a closing connection never reaches the server).
        int attempts = 0;
        Integer replicas = null;
        while (replicas == null && attempts < 3) {
            attempts++;
            try {
                replicas = get(target.currentReplicas(invoices));
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(ScaleTargetException.class);
            }
        }
        assertThat(replicas).isEqualTo(2);
        assertThat(api.requests()).filteredOn(r -> r.method().equals("GET") && !r.path().contains("watch=true")
                && r.resourcePath().equals("/apis/apps/v1/namespaces/billing/deployments")).hasSizeBetween(1, attempts);
        assertThat(target.watched()).hasSize(2);
    }

    @Test
    void refusesAHostileReferenceBeforeSendingAnything() throws Exception {
        assertRefused(new TargetRef("team-a", "apps/v1/namespaces/kube-system/deployments/coredns/scale#",
                "Deployment", "x"), "invalid", "spec.scaleTargetRef.apiVersion");
        assertRefused(new TargetRef("team-a", "apps/v1", "Deployment", "../../kube-system/deployments/coredns"),
                "invalid", "spec.scaleTargetRef.name");
        assertRefused(new TargetRef("team-a", "apps/v1", "Deployment/../x", "x"), "invalid",
                "spec.scaleTargetRef.kind");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void reportsAMissingTargetAsNotFoundWithoutPatching() throws Exception {
        ScaleOutcome outcome = get(target.scale(DEPLOYMENT, 2, "lag"));
        assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.NOT_FOUND);
            assertThat(f.retriable()).isFalse();
            assertThat(f.message()).contains("Deployment/orders-fn", "not found");
        });
        assertThat(patches()).isEmpty();
        assertThatThrownBy(() -> get(target.currentReplicas(DEPLOYMENT)))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ScaleTargetException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void namesTheMissingPermissionWhenThePatchIsForbidden() throws Exception {
        create("shop", "orders-fn", 1);
        api.answerAlways("PATCH", SCALE_PATH, 403, RecordingApiServer.status(403, "Forbidden"));
        ScaleOutcome outcome = get(target.scale(DEPLOYMENT, 2, "lag"));
        assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.FORBIDDEN);
            assertThat(f.message()).contains("'patch' on 'deployments/scale in API group 'apps''");
        });
        assertThat(patches()).hasSize(1);
    }

    @Test
    void namesTheMissingPermissionWhenTheWatchIsForbidden() throws Exception {
        api.answerAlways("GET", "/apis/apps/v1/namespaces/shop/deployments", 403,
                RecordingApiServer.status(403, "Forbidden"));
        assertThatThrownBy(() -> get(target.currentReplicas(DEPLOYMENT))).cause()
                .isInstanceOf(ScaleTargetException.class)
                .hasMessageContaining("'list' and 'watch' on 'deployments' in API group 'apps'");
    }

    @Test
    void retriesServerErrorsAndThrottlingThenSucceeds() throws Exception {
        create("shop", "orders-fn", 1);
        api.answerOnce("PATCH", SCALE_PATH, 503, RecordingApiServer.status(503, "ServiceUnavailable"));
        api.answerOnce("PATCH", SCALE_PATH, 429, RecordingApiServer.status(429, "TooManyRequests"));

        assertThat(get(target.scale(DEPLOYMENT, 5, "lag"))).isEqualTo(new ScaleOutcome.Scaled(1, 5));
        assertThat(patches()).hasSize(3);
        assertThat(replicas("shop", "orders-fn")).isEqualTo(5);
    }

    @Test
    void givesUpAfterTheLastRetryWithARetriableFailure() throws Exception {
        create("shop", "orders-fn", 1);
        api.answerAlways("PATCH", SCALE_PATH, 429, RecordingApiServer.status(429, "TooManyRequests"));
        ScaleOutcome outcome = get(target.scale(DEPLOYMENT, 5, "lag"));
        assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.THROTTLED);
            assertThat(f.retriable()).isTrue();
        });
        assertThat(patches()).hasSize(3);
    }

    @Test
    void doesNotRetryAConflictTheNextPollDecidesAgain() throws Exception {
        create("shop", "orders-fn", 1);
        api.answerOnce("PATCH", SCALE_PATH, 409, RecordingApiServer.status(409, "Conflict"));
        ScaleOutcome outcome = get(target.scale(DEPLOYMENT, 5, "lag"));
        assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class,
                f -> assertThat(f.kind()).isEqualTo(FailureKind.CONFLICT));
        assertThat(patches()).hasSize(1);
        assertThat(replicas("shop", "orders-fn")).isEqualTo(1);
    }

    @Test
    void aDeposedLeaderSendsNoPatch() throws Exception {
        create("shop", "orders-fn", 1);
        leadFor = 0;
        ScaleOutcome outcome = get(target.scale(DEPLOYMENT, 5, "lag"));
        assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.NOT_LEADER);
            assertThat(f.retriable()).isFalse();
        });
        assertThat(patches()).isEmpty();
        assertThat(replicas("shop", "orders-fn")).isEqualTo(1);
    }

    @Test
    void stopsRetryingWhenTheLeaseIsLost() throws Exception {
        create("shop", "orders-fn", 1);
        api.answerAlways("PATCH", SCALE_PATH, 503, RecordingApiServer.status(503, "ServiceUnavailable"));
        leadFor = 1; // leads for the first attempt only
        ScaleOutcome outcome = get(target.scale(DEPLOYMENT, 5, "lag"));
        assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class,
                f -> assertThat(f.kind()).isEqualTo(FailureKind.NOT_LEADER));
        assertThat(patches()).hasSize(1);
    }

    // --- helpers ---

    private void assertRefused(TargetRef ref, String kind, String message) throws Exception {
        assertThat(get(target.scale(ref, 1, "lag"))).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
            assertThat(f.kind().label()).isEqualTo(kind);
            assertThat(f.retriable()).isFalse();
            assertThat(f.message()).contains(message);
        });
        assertThatThrownBy(() -> get(target.currentReplicas(ref))).cause().isInstanceOf(ScaleTargetException.class)
                .hasMessageContaining(message);
    }

    private Deployment create(String ns, String name, int replicas) {
        return client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata()
                .withName(name).withNamespace(ns).endMetadata().withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", name).endMetadata().withNewSpec().addNewContainer().withName("fn")
                .withImage("fn:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
    }

    private int replicas(String ns, String name) {
        return client.apps().deployments().inNamespace(ns).withName(name).get().getSpec().getReplicas();
    }

    private List<RecordingApiServer.Request> patches() {
        return api.requests().stream().filter(r -> r.method().equals("PATCH")).toList();
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
