package dev.ebb.scaler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.target.FailureKind;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.workload.WorkloadId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code kind} label of {@code ebb_errors_total} takes only values from a closed list. */
class ErrorKindLabelTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ScalerMetrics metrics = new ScalerMetrics(registry);

    @Test
    void everyFailureKindIsCountedUnderItsOwnLabel() {
        for (FailureKind kind : FailureKind.values()) {
            metrics.onTargetFailure(null, null, new ScaleOutcome.Failed(kind, "failed: " + kind));
        }

        assertThat(errorKinds()).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(FailureKind.values()).map(FailureKind::label).toList());
    }

    @Test
    void aKindOutsideTheListIsCountedAsOtherNeverAsANewSeries() {
        metrics.onError(null, "policy", "division by zero");
        metrics.onError(null, "x\"} 1\nebb_leader 1 #", "hostile");
        metrics.onError(null, "Not_Found", "case differs");
        metrics.onInvalid(new WorkloadId("shop", "bad"), List.of("Invalid value -5 for lagThreshold: must be > 0"));

        assertThat(errorKinds()).containsExactlyInAnyOrder("policy", "other", "invalid_spec");
        assertThat(ScalerMetrics.ERROR_KINDS).containsAll(errorKinds());
    }

    @Test
    void theLabelListIsTheFailureKindsPlusTheNonScaleErrors() {
        List<String> expected = new ArrayList<>(Arrays.stream(FailureKind.values()).map(FailureKind::label).toList());
        expected.addAll(List.of("lag_unavailable", "invalid_spec", "policy", "other"));

        assertThat(ScalerMetrics.ERROR_KINDS).containsExactlyElementsOf(expected).doesNotHaveDuplicates();
    }

    @Test
    void retriableIsAPropertyOfTheKind() {
        assertThat(new ScaleOutcome.Failed(FailureKind.CONFLICT, "changed").retriable()).isTrue();
        assertThat(new ScaleOutcome.Failed(FailureKind.IO, "unreachable").retriable()).isTrue();
        assertThat(new ScaleOutcome.Failed(FailureKind.FORBIDDEN, "no rbac").retriable()).isFalse();
        assertThat(new ScaleOutcome.Failed(FailureKind.NOT_LEADER, "deposed").retriable()).isFalse();
    }

    private List<String> errorKinds() {
        List<String> kinds = new ArrayList<>();
        for (MetricSnapshot s : registry.scrape()) {
            if (s.getMetadata().getName().equals("ebb_errors") && s instanceof CounterSnapshot c) {
                c.getDataPoints().forEach(p -> kinds.add(p.getLabels().get("kind")));
            }
        }
        return kinds;
    }
}
