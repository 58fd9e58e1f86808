package dev.ebb.scaler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.loop.DecisionEvent;
import dev.ebb.scaler.policy.Decision;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.policy.ScalingPolicy;
import dev.ebb.scaler.policy.WorkloadState;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.target.TargetRef;
import dev.ebb.scaler.workload.ClusterKey;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.tracer.common.SpanContext;
import io.prometheus.metrics.tracer.initializer.SpanContextSupplier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scaler's series carry no exemplar sampler: even with a tracer present (the only case in which the sampler could
 * attach one), no series has an exemplar. With samplers on, every update of every series schedules a task on the
 * client's scheduler thread, which with thousands of workloads is tens of thousands of tasks a second.
 */
class ScalerMetricsExemplarsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @AfterEach
    void noTracer() {
        SpanContextSupplier.setSpanContext(null);
    }

    @Test
    void noSeriesSamplesExemplarsEvenWhenATraceIsActive() {
        SpanContextSupplier.setSpanContext(new SampledSpan());
        PrometheusRegistry registry = new PrometheusRegistry();
        ScalerMetrics metrics = new ScalerMetrics(registry);
        Workload w = workload();
        Observation.Lag obs = new Observation.Lag(NOW, List.of(new PartitionLag("t", 0, 500, 0, OptionalLong.of(100),
                400)), OptionalDouble.of(10), OptionalDouble.of(5), Optional.of(Duration.ofSeconds(3)),
                OptionalInt.of(1));
        Decision decision = ScalingPolicy.decide(w.policy(), obs, WorkloadState.initial(1), NOW);

        metrics.leading();
        metrics.onDecision(new DecisionEvent(w, obs, 1, decision, decision.desiredReplicas(),
                new ScaleOutcome.Scaled(1, decision.desiredReplicas()), DecisionEvent.Role.LEADER, NOW));
        metrics.onPoll(w.cluster(), Duration.ofMillis(300), 1);
        metrics.onError(w, "policy", "failed");

        List<DataPointSnapshot> points = new ArrayList<>();
        for (MetricSnapshot s : registry.scrape()) {
            points.addAll(s.getDataPoints());
        }
        assertThat(points).hasSizeGreaterThan(8);
        for (DataPointSnapshot p : points) {
            assertThat(exemplarsOf(p)).as("exemplars of %s", p.getLabels()).isZero();
        }
    }

    private static int exemplarsOf(DataPointSnapshot p) {
        if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
            return g.getExemplar() == null ? 0 : 1;
        }
        if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
            return c.getExemplar() == null ? 0 : 1;
        }
        if (p instanceof HistogramSnapshot.HistogramDataPointSnapshot h) {
            return h.getExemplars().size();
        }
        return 0;
    }

    private static Workload workload() {
        return new Workload(new WorkloadId("shop", "w"), new TargetRef("shop", "apps/v1", "Deployment", "fn"),
                ClusterKey.plain("kafka:9092"), Map.of("bootstrap.servers", "kafka:9092"),
                GroupQuery.consumerGroup("g", List.of("t")),
                PolicySpec.builder().mode(Mode.THRESHOLD).lagThreshold(10).build(), Duration.ofSeconds(1));
    }

    /** A tracer whose current span is always sampled: what makes a sampler attach exemplars. */
    private static final class SampledSpan implements SpanContext {
        @Override
        public String getCurrentTraceId() {
            return "4bf92f3577b34da6a3ce929d0e0e4736";
        }

        @Override
        public String getCurrentSpanId() {
            return "00f067aa0ba902b7";
        }

        @Override
        public boolean isCurrentSpanSampled() {
            return true;
        }

        @Override
        public void markCurrentSpanAsExemplar() {
        }
    }
}
