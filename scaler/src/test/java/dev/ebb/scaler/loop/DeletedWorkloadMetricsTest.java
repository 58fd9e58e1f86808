package dev.ebb.scaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.metrics.ScalerMetrics;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.ClusterKey;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadId;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A deleted workload, valid or invalid, leaves no series and no count of invalid workloads behind (nor alerts). */
class DeletedWorkloadMetricsTest {

    private static final ClusterKey CLUSTER = ClusterKey.plain("kafka:9092");
    private final ScalerLoopTest.MutableClock clock = new ScalerLoopTest.MutableClock(
            Instant.parse("2026-01-01T00:00:00Z"));
    private final Vertx vertx = Vertx.vertx();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final List<CatalogEntry> entries = new CopyOnWriteArrayList<>();
    private final InMemoryLagSource source = new InMemoryLagSource(clock);
    private final RecordingScaleTarget target = new RecordingScaleTarget();
    private final ScalerLoop loop = new ScalerLoop(vertx, () -> List.copyOf(entries), (k, c) -> source, target,
            clock, new ScalerMetrics(registry), ScalerLoop.Options.defaults());

    @AfterEach
    void stop() throws Exception {
        loop.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void deletingAnInvalidAndAValidWorkloadClearsTheirSeries() throws Exception {
        WorkloadId bad = new WorkloadId("shop", "bad");
        entries.add(new CatalogEntry.Invalid(bad, List.of("Invalid value -5 for spec.policy.lagThreshold: must be > 0")));
        entries.add(new CatalogEntry.Valid(workload("good")));
        target.put("good-fn", 0);
        source.lag("good-group", 10, 10);
        tick();
        String before = scrape();
        assertThat(before).contains("ebb_invalid_workloads 1.0")
                .contains("ebb_lag_records{namespace=\"shop\",workload=\"good\"}")
                .contains("ebb_decisions_total{kind=");

        entries.clear();
        tick();
        String after = scrape();
        assertThat(after).contains("ebb_invalid_workloads 0.0").doesNotContain("workload=\"good\"")
                .doesNotContain("workload=\"bad\"");
    }

    private Workload workload(String name) {
        return new Workload(new WorkloadId("shop", name), new TargetRef("shop", "apps/v1", "Deployment",
                name + "-fn"), CLUSTER, Map.of("bootstrap.servers", "kafka:9092"),
                GroupQuery.consumerGroup(name + "-group", List.of("t")),
                PolicySpec.builder().mode(Mode.THRESHOLD).lagThreshold(10).build(), Duration.ofSeconds(1));
    }

    private void tick() throws Exception {
        loop.tick().await(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofSeconds(1));
    }

    private String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
