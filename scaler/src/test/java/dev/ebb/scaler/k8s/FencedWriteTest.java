package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deposed leader never writes: leader A checks its lease, sends its PATCH, and the request stalls (held in flight
 * between A and the API server, which the server cannot tell from a stalled server) for longer than the lease. A's
 * lease expires, B leads and scales. When A's stale PATCH finally arrives, it carries the resourceVersion A decided
 * on, so the API server refuses it with 409 and B's count stays. The mock API server in CRUD mode enforces the
 * resourceVersion precondition of a merge patch as a real one does. The second test does the same with real leader
 * election on a Lease: A's lease renewals stall too, B takes the Lease once it expires.
 */
class FencedWriteTest {

    private static final TargetRef TARGET = new TargetRef("shop", "apps/v1", "Deployment", "orders-fn");

    private RecordingApiServer api;
    private KubernetesClient clientA;
    private KubernetesClient clientB;
    private ExecutorService executor;
    private final AtomicBoolean stallPatches = new AtomicBoolean();
    private final AtomicBoolean stallEverything = new AtomicBoolean();
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() {
        api = new RecordingApiServer().start();
        Interceptor stall = new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if (stallEverything.get() || stallPatches.get() && "PATCH".equals(request.method())) {
                    stalled.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        clientA = api.server().createClient(b -> b.withHttpClientBuilderConsumer(
                h -> h.addOrReplaceInterceptor("stall", stall)));
        clientB = api.server().createClient();
        executor = Executors.newCachedThreadPool();
        clientB.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata()
                .withName("orders-fn").withNamespace("shop").endMetadata().withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("app", "fn").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "fn").endMetadata().withNewSpec().addNewContainer().withName("fn")
                .withImage("fn:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
    }

    @AfterEach
    void stop() {
        release.countDown();
        clientA.close();
        clientB.close();
        api.stop();
        executor.shutdownNow();
    }

    @Test
    void aLeaderStalledPastItsLeaseIsReplacedAndItsLateWriteIsRefused() throws Exception {
        KubernetesLeaderElection.Timing timing = new KubernetesLeaderElection.Timing(Duration.ofSeconds(2),
                Duration.ofMillis(1500), Duration.ofMillis(250));
        KubernetesLeaderElection electionA = new KubernetesLeaderElection(clientA, "ebb-system", "fence", "a",
                timing, leading -> { });
        electionA.start();
        awaitTrue(electionA::leading, "A leads");
        KubernetesLeaderElection electionB = new KubernetesLeaderElection(clientB, "ebb-system", "fence", "b",
                timing, leading -> { });
        electionB.start();
        KubernetesScaleTarget a = new KubernetesScaleTarget(clientA, executor,
                new KubernetesScaleTarget.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50)), electionA);
        KubernetesScaleTarget b = new KubernetesScaleTarget(clientB, executor,
                new KubernetesScaleTarget.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50)), electionB);
        try {
            assertThat(a.currentReplicas(TARGET).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo(1);
            // From A's PATCH on, the API server does not answer A at all: not its write, not its lease renewals.
            stallPatches.set(true);
            CompletableFuture<ScaleOutcome> late = CompletableFuture.supplyAsync(
                    () -> a.scale(TARGET, 3, "lag").toCompletableFuture().join(), executor);
            assertThat(stalled.await(20, TimeUnit.SECONDS)).as("A's PATCH is in flight").isTrue();
            stallEverything.set(true);

            awaitTrue(electionB::leading, "B takes the lease once A's has expired");
            assertThat(b.scale(TARGET, 5, "lag").toCompletableFuture().get(20, TimeUnit.SECONDS))
                    .isEqualTo(new ScaleOutcome.Scaled(1, 5));

            stallEverything.set(false);
            stallPatches.set(false);
            release.countDown(); // A's stale requests reach the server
            assertThat(late.get(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(ScaleOutcome.Failed.class,
                    f -> assertThat(f.kind()).isEqualTo(FailureKind.CONFLICT));
            assertThat(clientB.apps().deployments().inNamespace("shop").withName("orders-fn").get().getSpec()
                    .getReplicas()).isEqualTo(5);
            awaitTrue(() -> !electionA.leading(), "A learns that it lost the lease");
            assertThat(a.scale(TARGET, 3, "lag").toCompletableFuture().get(20, TimeUnit.SECONDS))
                    .isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> assertThat(f.kind())
.isEqualTo(FailureKind.NOT_LEADER));
            assertThat(clientB.apps().deployments().inNamespace("shop").withName("orders-fn").get().getSpec()
                    .getReplicas()).isEqualTo(5);
        } finally {
            a.close();
            b.close();
            electionB.close();
            electionA.close();
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Timed out waiting until " + what);
    }

    @Test
    void theLateWriteOfALeaderWhoseLeaseExpiredDoesNotLand() throws Exception {
        AtomicBoolean aLeads = new AtomicBoolean(true);
        KubernetesScaleTarget a = new KubernetesScaleTarget(clientA, executor,
                new KubernetesScaleTarget.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50)), aLeads::get);
        KubernetesScaleTarget b = new KubernetesScaleTarget(clientB, executor,
                new KubernetesScaleTarget.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50)), () -> true);
        try {
            assertThat(a.currentReplicas(TARGET).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo(1);
            String decidedOn = clientB.apps().deployments().inNamespace("shop").withName("orders-fn").get()
                    .getMetadata().getResourceVersion();

            stallPatches.set(true);
            CompletableFuture<ScaleOutcome> late = CompletableFuture.supplyAsync(
                    () -> a.scale(TARGET, 3, "lag").toCompletableFuture().join(), executor);
            assertThat(stalled.await(20, TimeUnit.SECONDS)).as("A's PATCH is in flight").isTrue();

            aLeads.set(false); // A's lease runs out while its request hangs; B takes over and scales
            assertThat(b.scale(TARGET, 5, "lag").toCompletableFuture().get(20, TimeUnit.SECONDS))
                    .isEqualTo(new ScaleOutcome.Scaled(1, 5));

            release.countDown(); // A's stale request finally reaches the server
            ScaleOutcome outcome = late.get(20, TimeUnit.SECONDS);

            assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.CONFLICT);
                assertThat(f.message()).contains("changed since it was read");
            });
            assertThat(clientB.apps().deployments().inNamespace("shop").withName("orders-fn").get().getSpec()
                    .getReplicas()).isEqualTo(5);
            List<RecordingApiServer.Request> patches = api.requests().stream()
                    .filter(r -> r.method().equals("PATCH")).toList();
            assertThat(patches).hasSize(2);
            assertThat(patches.get(1).body()).contains("\"resourceVersion\":\"" + decidedOn + "\"",
                    "\"replicas\":3");
            // A does not retry the refused write, and its next attempt is refused before anything is sent.
            assertThat(a.scale(TARGET, 3, "lag").toCompletableFuture().get(20, TimeUnit.SECONDS))
                    .isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> assertThat(f.kind())
.isEqualTo(FailureKind.NOT_LEADER));
            assertThat(api.requests().stream().filter(r -> r.method().equals("PATCH"))).hasSize(2);
        } finally {
            a.close();
            b.close();
        }
    }
}
