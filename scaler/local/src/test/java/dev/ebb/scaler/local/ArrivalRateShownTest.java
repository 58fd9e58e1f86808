package dev.ebb.scaler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.lag.ObservationHistory;
import dev.ebb.scaler.loop.DecisionEvent;
import dev.ebb.scaler.metrics.ScalerMetrics;
import dev.ebb.scaler.policy.Decision;
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
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The arrival rate an operator sees next to a decision is the one the decision used. `ebb demo --short` showed
 * {@code in 280/s} (the lag source's 30 s average, still counting a burst that had ended) on the same line as a
 * decision saying {@code arrivals 0/s}.
 */
class ArrivalRateShownTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int PARTITIONS = 4;

    @Test
    void liveSampleAndMetricShowTheDecisionsArrivalRateAfterABurstEnds() {
        Workload w = new Workload(new WorkloadId("shop", "orders"), new TargetRef("shop", "apps/v1", "Deployment",
                "orders-fn"), ClusterKey.plain("kafka:9092"), Map.of("bootstrap.servers", "kafka:9092"),
                GroupQuery.consumerGroup("orders", List.of()), PolicySpec.defaults(), Duration.ofSeconds(1));
        KafkaAdminLagSource.Settings live = KafkaAdminLagSource.Settings.defaults();
        ObservationHistory history = new ObservationHistory(live.historyCapacity(), live.rateWindow());
        LiveLog log = new LiveLog(100);
        LiveDecisionListener view = new LiveDecisionListener(log, Clock.fixed(T0, ZoneOffset.UTC));
        PrometheusRegistry registry = new PrometheusRegistry();
        ScalerMetrics metrics = new ScalerMetrics(registry);

        // 300 records/s for 10 s, then nothing for 8 s; the workers keep up (committed = end).
        WorkloadState state = WorkloadState.initial(1);
        long perPartition = 0;
        Observation.Lag last = null;
        Decision decision = null;
        for (int second = 0; second <= 18; second++) {
            if (second > 0 && second <= 10) {
                perPartition += 300 / PARTITIONS;
            }
            Instant now = T0.plusSeconds(second);
            List<PartitionLag> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new PartitionLag("orders", p, perPartition, 0, OptionalLong.of(perPartition), 0));
            }
            last = history.record(now, partitions, OptionalInt.of(1));
            decision = ScalingPolicy.decide(w.policy(), last, state, now);
            state = decision.next().withCurrentReplicas(1);
            DecisionEvent event = new DecisionEvent(w, last, 1, decision, 1, new ScaleOutcome.Unchanged(1),
                    DecisionEvent.Role.LEADER, now);
            view.onDecision(event);
            metrics.onDecision(event);
        }

        // The lag source's windowed average still counts the burst; the decision, rightly, does not.
        assertThat(last.arrivalRate().getAsDouble()).isGreaterThan(100);
        assertThat(decision.inputs()).isPresent();
        OptionalDouble used = decision.inputs().get().arrivalRate();
        assertThat(used).hasValue(0.0);
        assertThat(decision.reason()).contains("arrivals 0/s");

        List<LiveSample> samples = log.samples("orders");
        assertThat(samples.get(samples.size() - 1).arrivalRate()).isEqualTo(used);
        String line = new TerminalView(new PrintStream(OutputStream.nullOutputStream()), ZoneOffset.UTC)
                .line(samples.get(samples.size() - 1));
        assertThat(line).contains("in     0/s").contains("arrivals 0/s");
        assertThat(arrivalGauge(registry)).isEqualTo(used.getAsDouble());
    }

    @Test
    void whileRecordsArriveTheShownRateIsTheDecisionsAtEveryTick() {
        Workload w = new Workload(new WorkloadId("shop", "orders"), new TargetRef("shop", "apps/v1", "Deployment",
                "orders-fn"), ClusterKey.plain("kafka:9092"), Map.of("bootstrap.servers", "kafka:9092"),
                GroupQuery.consumerGroup("orders", List.of()), PolicySpec.defaults(), Duration.ofSeconds(1));
        ObservationHistory history = new ObservationHistory(60, Duration.ofSeconds(30));
        LiveLog log = new LiveLog(100);
        LiveDecisionListener view = new LiveDecisionListener(log, Clock.fixed(T0, ZoneOffset.UTC));
        WorkloadState state = WorkloadState.initial(1);
        long perPartition = 0;
        for (int second = 0; second <= 12; second++) {
            perPartition += second % 3 == 0 ? 400 : 50; // uneven polls: median and average differ
            Instant now = T0.plusSeconds(second);
            List<PartitionLag> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new PartitionLag("orders", p, perPartition, 0, OptionalLong.of(perPartition), 0));
            }
            Observation.Lag obs = history.record(now, partitions, OptionalInt.of(1));
            Decision decision = ScalingPolicy.decide(w.policy(), obs, state, now);
            state = decision.next().withCurrentReplicas(1);
            view.onDecision(new DecisionEvent(w, obs, 1, decision, 1, new ScaleOutcome.Unchanged(1),
                    DecisionEvent.Role.LEADER, now));
            List<LiveSample> samples = log.samples("orders");
            assertThat(samples.get(samples.size() - 1).arrivalRate()).as("second %d", second)
                    .isEqualTo(decision.arrivalRate());
        }
    }

    private static double arrivalGauge(PrometheusRegistry registry) {
        for (MetricSnapshot s : registry.scrape()) {
            if (s.getMetadata().getPrometheusName().equals("ebb_arrival_rate_records_per_second")) {
                return ((GaugeSnapshot) s).getDataPoints().get(0).getValue();
            }
        }
        throw new AssertionError("no ebb_arrival_rate_records_per_second");
    }
}
