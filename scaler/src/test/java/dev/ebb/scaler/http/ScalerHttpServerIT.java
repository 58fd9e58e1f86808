package dev.ebb.scaler.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.loop.DecisionEvent;
import dev.ebb.scaler.metrics.ScalerMetrics;
import dev.ebb.scaler.policy.Decision;
import dev.ebb.scaler.policy.DecisionKind;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.policy.WorkloadState;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.ClusterKey;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ScalerHttpServerIT {

    @Test
    void servesMetricsAndProbes() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            PrometheusRegistry registry = new PrometheusRegistry();
            ScalerMetrics metrics = new ScalerMetrics(registry);
            AtomicBoolean ready = new AtomicBoolean(false);
            ScalerHttpServer server = new ScalerHttpServer(vertx, registry, () -> ScalerHttpServer.Health.up("alive"),
                    () -> ready.get() ? ScalerHttpServer.Health.up("leader")
                            : ScalerHttpServer.Health.down("informers not synced yet"));
            int port = server.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
            metrics.leading();
            metrics.onDecision(event());

            HttpResponse<String> m = get(port, "/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body()).contains("ebb_lag_records{namespace=\"shop\",workload=\"orders\"} 400.0",
                    "ebb_desired_replicas{namespace=\"shop\",workload=\"orders\"} 4.0",
                    "ebb_current_replicas{namespace=\"shop\",workload=\"orders\"} 4.0",
                    "ebb_decisions_total{kind=\"scale_up\",namespace=\"shop\",workload=\"orders\"} 1.0",
                    "ebb_time_lag_seconds{namespace=\"shop\",workload=\"orders\"} 12.0", "ebb_leader 1.0");
            assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = get(port, "/readyz");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("informers not synced yet");
            ready.set(true);
            assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
            assertThat(get(port, "/nope").statusCode()).isEqualTo(404);

            metrics.onRemoved(new WorkloadId("shop", "orders"));
            assertThat(get(port, "/metrics").body()).doesNotContain("ebb_lag_records{");
            server.close();
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static DecisionEvent event() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Workload w = new Workload(new WorkloadId("shop", "orders"), new TargetRef("shop", "apps/v1", "Deployment",
                "orders-fn"), ClusterKey.plain("kafka:9092"), Map.of("bootstrap.servers", "kafka:9092"),
                GroupQuery.consumerGroup("orders", List.of()), PolicySpec.defaults(), Duration.ofSeconds(1));
        Observation.Lag lag = new Observation.Lag(now, List.of(new PartitionLag("orders", 0, 400, 0,
                OptionalLong.of(0), 400)), OptionalDouble.of(50), OptionalDouble.of(10),
                Optional.of(Duration.ofSeconds(12)), OptionalInt.empty());
        Decision d = new Decision(4, "lag 400 -> 4", WorkloadState.initial(4), DecisionKind.SCALE_UP, 0);
        return new DecisionEvent(w, lag, 0, d, 4, new ScaleOutcome.Scaled(0, 4), DecisionEvent.Role.LEADER, now);
    }
}
