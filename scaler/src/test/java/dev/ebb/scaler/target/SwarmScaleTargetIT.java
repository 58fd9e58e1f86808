package dev.ebb.scaler.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SwarmScaleTarget} against {@link FakeDockerEngine}, over TCP and over a Unix socket. */
class SwarmScaleTargetIT {

    private static final TargetRef POOL = new TargetRef("local", "apps/v1", "Deployment", "workers");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void readsAndScalesAReplicatedServiceOverTcpLeavingTheRestOfTheSpecAlone() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.tcp().replicated("orders", "svc123", 2, 41);
             SwarmScaleTarget target = new SwarmScaleTarget(engine.endpoint(), Map.of("workers", "orders"), TIMEOUT)) {
            var before = engine.spec("orders").deepCopy();

            assertThat(await(target.currentReplicas(POOL))).isEqualTo(2);
            assertThat(await(target.scale(POOL, 5, "lag 5000"))).isEqualTo(new ScaleOutcome.Scaled(2, 5));

            assertThat(engine.replicas("orders")).isEqualTo(5);
            assertThat(engine.version("orders")).isEqualTo(42);
            assertThat(engine.requests()).extracting(FakeDockerEngine.Request::path).containsExactly(
                    "/v1.41/services/orders", "/v1.41/services/orders", "/v1.41/services/orders/update?version=41");
            var after = engine.spec("orders").deepCopy();
            ((tools.jackson.databind.node.ObjectNode) after.get("Mode").get("Replicated")).put("Replicas", 2);
            assertThat(after).as("only Replicas changed").isEqualTo(before);
        }
    }

    @Test
    void worksOverTheEnginesUnixSocket(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("docker.sock");
        try (FakeDockerEngine engine = FakeDockerEngine.unix(socket).replicated("orders", "svc123", 0, 7);
             SwarmScaleTarget target = new SwarmScaleTarget("unix://" + socket, Map.of("workers", "svc123"),
                     TIMEOUT)) {
            assertThat(await(target.scale(POOL, 3, "activate"))).isEqualTo(new ScaleOutcome.Scaled(0, 3));
            assertThat(await(target.currentReplicas(POOL))).isEqualTo(3);
            assertThat(await(target.scale(POOL, 3, "hold"))).isEqualTo(new ScaleOutcome.Unchanged(3));

            assertThat(engine.requests()).filteredOn(r -> r.method().equals("POST")).hasSize(1);
        }
    }

    @ParameterizedTest(name = "update out of sequence answered with HTTP {0}")
    @ValueSource(ints = {500, 409})
    void readsAgainAndRetriesWhenAnotherWriterUpdatedTheServiceInBetween(int status) throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.tcp().replicated("orders", "svc123", 2, 10);
             SwarmScaleTarget target = new SwarmScaleTarget(engine.endpoint(), Map.of("workers", "orders"), TIMEOUT)) {
            engine.conflictStatus(status);
            engine.interfere(2);

            assertThat(await(target.scale(POOL, 6, "burst"))).isEqualTo(new ScaleOutcome.Scaled(2, 6));

            assertThat(engine.replicas("orders")).isEqualTo(6);
            assertThat(engine.requests()).filteredOn(r -> r.method().equals("POST"))
                    .extracting(FakeDockerEngine.Request::path).containsExactly(
                            "/v1.41/services/orders/update?version=10", "/v1.41/services/orders/update?version=11",
                            "/v1.41/services/orders/update?version=12");
        }
    }

    @Test
    void givesUpForThisTickWhenTheConflictsDoNotStop() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.tcp().replicated("orders", "svc123", 2, 10);
             SwarmScaleTarget target = new SwarmScaleTarget(engine.endpoint(), Map.of("workers", "orders"), TIMEOUT)) {
            engine.interfere(100);

            ScaleOutcome outcome = await(target.scale(POOL, 6, "burst"));

            assertThat(outcome).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.CONFLICT);
                assertThat(f.retriable()).isTrue();
                assertThat(f.message()).contains("orders").contains("update out of sequence");
            });
            assertThat(engine.requests()).filteredOn(r -> r.method().equals("POST"))
                    .hasSize(SwarmScaleTarget.MAX_ATTEMPTS);
            assertThat(engine.replicas("orders")).isEqualTo(2);
        }
    }

    @Test
    void readsChunkedAnswers() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.tcp().replicated("orders", "svc123", 4, 1);
             SwarmScaleTarget target = new SwarmScaleTarget(engine.endpoint(), Map.of("workers", "orders"), TIMEOUT)) {
            engine.chunked();

            assertThat(await(target.currentReplicas(POOL))).isEqualTo(4);
            assertThat(await(target.scale(POOL, 1, "idle"))).isEqualTo(new ScaleOutcome.Scaled(4, 1));
        }
    }

    @Test
    void namesMissingServicesGlobalServicesAndUnknownPools() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.tcp().global("agents", "svc9");
             SwarmScaleTarget target = new SwarmScaleTarget(engine.endpoint(),
                     Map.of("workers", "orders", "agents", "agents"), TIMEOUT)) {
            assertThat(await(target.scale(POOL, 2, "x"))).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.NOT_FOUND);
                assertThat(f.message()).contains("Swarm service orders").contains("service orders not found");
                assertThat(f.retriable()).isFalse();
            });
            assertThatThrownBy(() -> await(target.currentReplicas(POOL))).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("service orders not found");
            TargetRef agents = new TargetRef("local", "apps/v1", "Deployment", "agents");
            assertThat(await(target.scale(agents, 2, "x"))).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f ->
                    assertThat(f.message()).contains("Global mode: only replicated services can be scaled"));
            TargetRef other = new TargetRef("local", "apps/v1", "Deployment", "other");
            assertThat(await(target.scale(other, 2, "x"))).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f ->
                    assertThat(f.message()).contains("No Swarm service for 'other'"));
        }
    }

    @Test
    void anUnreachableEngineIsARetriableFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (SwarmScaleTarget target = new SwarmScaleTarget("tcp://127.0.0.1:" + port, Map.of("workers", "orders"),
                TIMEOUT)) {
            assertThat(await(target.scale(POOL, 2, "x"))).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.IO);
                assertThat(f.retriable()).isTrue();
                assertThat(f.message()).contains("tcp://127.0.0.1:" + port);
            });
        }
    }

    @Test
    void aHangingEngineTimesOutWithoutBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeDockerEngine engine = FakeDockerEngine.tcp().replicated("orders", "svc123", 2, 1);
             SwarmScaleTarget target = new SwarmScaleTarget(engine.endpoint(), Map.of("workers", "orders"),
                     Duration.ofMillis(500))) {
            engine.hangUntil(release);

            CompletableFuture<ScaleOutcome> stage = target.scale(POOL, 3, "x").toCompletableFuture();

            assertThat(stage).as("the call returns before the engine answers").isNotDone();
            assertThat(await(stage)).isInstanceOfSatisfying(ScaleOutcome.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.IO);
                assertThat(f.retriable()).isTrue();
            });
        } finally {
            release.countDown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../containers/x", "a/b", "orders?force=1", "orders%2F..", "..", ".hidden", "",
            "orders\nHost: evil", "a b"})
    void refusesServiceNamesThatCouldLeaveTheServicePath(String service) {
        assertThatThrownBy(() -> new SwarmScaleTarget("tcp://127.0.0.1:2375", Map.of("workers", service), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("for swarm service: must be a Docker service name or id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://docker:2376", "ssh://host", "unix://relative.sock", "tcp://host", "ftp://x:1",
            "tcp://127.0.0.1:2375/v1.41/containers"})
    void refusesEndpointsItCannotUse(String endpoint) {
        assertThatThrownBy(() -> new SwarmScaleTarget(endpoint, Map.of("workers", "orders"), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("for docker endpoint");
    }
}
