package dev.ebb.scaler.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.scaler.loop.ScaleTargetException;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scale target's requests as a real API server expects them: {@code GET .../scale} answered with an
 * {@code autoscaling/v1 Scale}, then a JSON merge patch of {@code spec.replicas} to {@code .../scale}. The mock runs
 * in expectation mode here, so it answers exactly what a real server answers, not its CRUD shortcut.
 */
class KubernetesScaleTargetTest {

    private static final TargetRef DEPLOYMENT = new TargetRef("shop", "apps/v1", "Deployment", "orders-fn");
    private static final String SCALE_PATH = "/apis/apps/v1/namespaces/shop/deployments/orders-fn/scale";

    private KubernetesMockServer server;
    private KubernetesClient client;
    private ExecutorService executor;
    private KubernetesScaleTarget target;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(false);
        server.init();
        // fabric8's own retry of 429/5xx is off here so that the scale target's retry is what is tested.
        client = server.createClient(b -> b.withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url("/")).withTrustCerts(true).withNamespace("test")
                .withRequestRetryBackoffLimit(0).build()));
        executor = Executors.newCachedThreadPool();
        target = new KubernetesScaleTarget(client, executor,
                new KubernetesScaleTarget.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50)));
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
        executor.shutdownNow();
    }

    @Test
    void readsReplicasFromTheScaleSubresource() throws Exception {
        server.expect().get().withPath(SCALE_PATH).andReturn(200, scale(3)).once();
        assertThat(target.currentReplicas(DEPLOYMENT).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(requests()).extracting(RecordedRequest::getMethod).containsExactly("GET");
    }

    @Test
    void patchesTheScaleSubresourceWithAJsonMergePatch() throws Exception {
        server.expect().get().withPath(SCALE_PATH).andReturn(200, scale(1)).once();
        server.expect().patch().withPath(SCALE_PATH).andReturn(200, scale(4)).once();

        ScaleOutcome outcome = target.scale(DEPLOYMENT, 4, "lag 400").toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(outcome).isEqualTo(new ScaleOutcome.Scaled(1, 4));
        List<RecordedRequest> requests = requests();
        assertThat(requests).extracting(RecordedRequest::getMethod).containsExactly("GET", "PATCH");
        RecordedRequest patch = requests.get(1);
        assertThat(patch.getPath()).isEqualTo(SCALE_PATH);
        assertThat(patch.getHeader("Content-Type")).startsWith("application/merge-patch+json");
        assertThat(patch.getUtf8Body()).isEqualTo("{\"spec\":{\"replicas\":4}}");
    }

    @Test
    void sendsNoPatchWhenTheCountIsAlreadyRight() throws Exception {
        server.expect().get().withPath(SCALE_PATH).andReturn(200, scale(2)).once();
        assertThat(target.scale(DEPLOYMENT, 2, "hold").toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEqualTo(new ScaleOutcome.Unchanged(2));
        assertThat(requests()).extracting(RecordedRequest::getMethod).containsExactly("GET");
    }

    @Test
    void findsTheScaleOfACustomKindThroughDiscovery() throws Exception {
        String path = "/apis/example.com/v1/namespaces/shop/functionpools/pool-a/scale";
        server.expect().get().withPath("/apis/example.com/v1").andReturn(200, "{\"kind\":\"APIResourceList\","
                + "\"groupVersion\":\"example.com/v1\",\"resources\":[{\"name\":\"functionpools\",\"kind\":"
                + "\"FunctionPool\",\"namespaced\":true,\"verbs\":[\"get\"]},{\"name\":\"functionpools/scale\","
                + "\"kind\":\"Scale\",\"namespaced\":true,\"verbs\":[\"get\",\"patch\"]}]}").once();
        server.expect().get().withPath(path).andReturn(200, scale(0)).once();
        server.expect().patch().withPath(path).andReturn(200, scale(2)).once();

        ScaleOutcome outcome = target.scale(new TargetRef("shop", "example.com/v1", "FunctionPool", "pool-a"), 2,
                "lag").toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(outcome).isEqualTo(new ScaleOutcome.Scaled(0, 2));
        assertThat(requests()).extracting(RecordedRequest::getPath).contains(path);
    }

    @Test
    void reportsAMissingTargetAsNotFoundWithoutRetrying() throws Exception {
        server.expect().get().withPath(SCALE_PATH).andReturn(404, status(404, "NotFound")).always();
        ScaleOutcome outcome = target.scale(DEPLOYMENT, 2, "lag").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("not_found");
            assertThat(f.retriable()).isFalse();
            assertThat(f.message()).contains("Deployment/orders-fn", "not found");
        });
        assertThat(requests()).hasSize(1);
        assertThatThrownBy(() -> target.currentReplicas(DEPLOYMENT).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ScaleTargetException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void namesTheMissingPermissionOnForbidden() throws Exception {
        server.expect().get().withPath(SCALE_PATH).andReturn(200, scale(1)).once();
        server.expect().patch().withPath(SCALE_PATH).andReturn(403, status(403, "Forbidden")).always();
        ScaleOutcome outcome = target.scale(DEPLOYMENT, 2, "lag").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("forbidden");
            assertThat(f.message()).contains("'patch' on 'deployments/scale' in API group 'apps'");
        });
    }

    @Test
    void retriesConflictsAndServerErrorsThenSucceeds() throws Exception {
        server.expect().get().withPath(SCALE_PATH).andReturn(200, scale(1)).once();
        server.expect().patch().withPath(SCALE_PATH).andReturn(409, status(409, "Conflict")).once();
        server.expect().patch().withPath(SCALE_PATH).andReturn(503, status(503, "ServiceUnavailable")).once();
        server.expect().patch().withPath(SCALE_PATH).andReturn(200, scale(5)).once();

        ScaleOutcome outcome = target.scale(DEPLOYMENT, 5, "lag").toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(outcome).isEqualTo(new ScaleOutcome.Scaled(1, 5));
        assertThat(requests()).extracting(RecordedRequest::getMethod).containsExactly("GET", "PATCH", "PATCH", "PATCH");
    }

    @Test
    void givesUpAfterTheLastRetryWithARetriableFailure() throws Exception {
        server.expect().get().withPath(SCALE_PATH).andReturn(200, scale(1)).once();
        server.expect().patch().withPath(SCALE_PATH).andReturn(429, status(429, "TooManyRequests")).always();
        ScaleOutcome outcome = target.scale(DEPLOYMENT, 5, "lag").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("throttled");
            assertThat(f.retriable()).isTrue();
        });
        assertThat(requests()).extracting(RecordedRequest::getMethod).containsExactly("GET", "PATCH", "PATCH", "PATCH");
    }

    private List<RecordedRequest> requests() throws InterruptedException {
        List<RecordedRequest> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
            out.add(r);
        }
        return out;
    }

    private static String scale(int replicas) {
        return "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"orders-fn\","
                + "\"namespace\":\"shop\"},\"spec\":{\"replicas\":" + replicas + "},\"status\":{\"replicas\":"
                + replicas + ",\"selector\":\"app=orders-fn\"}}";
    }

    private static String status(int code, String reason) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"" + reason
                + "\",\"code\":" + code + "}";
    }
}
