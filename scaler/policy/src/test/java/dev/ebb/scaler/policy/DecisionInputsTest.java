package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** A decision carries the numbers it was computed from, the same ones its reason states. */
class DecisionInputsTest {

    @Test
    void drainDecisionCarriesRatesCapacityProjectionAndNeed() {
        PolicySpec spec = PolicySpec.builder().maxReplicas(40).commitInterval(Duration.ZERO)
                .readyDelay(Duration.ofSeconds(10)).perReplicaRate(1000).build();
        Decision d = ScalingPolicy.decide(spec, Obs.at(1).partitions(26).lag(8000).arrivals(10000).build(),
                WorkloadState.initial(2), Obs.t(1));

        assertThat(d.reason()).contains("lag 8000, arrivals 10000/s, 1000/s per replica")
                .contains("projected lag 88000 when new replicas are ready in 10s").contains("-> 13");
        Inputs in = d.inputs().orElseThrow();
        assertThat(in.mode()).isEqualTo(Mode.DRAIN);
        assertThat(in.lag()).isEqualTo(8000);
        assertThat(in.arrivalRate()).hasValue(10000.0);
        assertThat(d.arrivalRate()).isEqualTo(in.arrivalRate());
        assertThat(in.perReplicaRate()).isEqualTo(1000.0);
        assertThat(in.perReplicaRateMeasured()).isFalse();
        assertThat(in.projectedLag().getAsDouble()).isCloseTo(88000, within(1e-6));
        // (10000/s + 88000 / 30 s) / 1000/s per replica
        assertThat(in.need()).isCloseTo((10000 + 88000 / 30.0) / 1000, within(1e-9));
        assertThat(in.modeReplicas()).isEqualTo(13);
        assertThat(in.partitions()).isEqualTo(26);
        assertThat(in.readyReplicas()).isEqualTo(2);
        assertThat(in.capApplied()).isEmpty();
    }

    @Test
    void thresholdDecisionCarriesTheCapItApplied() {
        PolicySpec spec = PolicySpec.builder().mode(Mode.THRESHOLD).lagThreshold(10).build();
        Decision d = ScalingPolicy.decide(spec, Obs.at(1).partitions(3).lag(1000).build(), WorkloadState.initial(1),
                Obs.t(1));

        assertThat(d.reason()).contains("-> 3 (capped at 3 partitions)");
        Inputs in = d.inputs().orElseThrow();
        assertThat(in.mode()).isEqualTo(Mode.THRESHOLD);
        assertThat(in.need()).isEqualTo(100.0);
        assertThat(in.capApplied()).isEqualTo(OptionalInt.of(3));
    }

    @Test
    void aFirstObservationWithoutARateCarriesNone() {
        Decision d = ScalingPolicy.decide(PolicySpec.defaults(), Obs.at(1).partitions(4).lag(0).noRates().build(),
                WorkloadState.initial(2), Obs.t(1));

        assertThat(d.inputs()).isPresent();
        assertThat(d.arrivalRate()).isEmpty();
        assertThat(d.reason()).contains("arrival rate not known yet");
    }

    @Test
    void decisionsWithoutAnObservationCarryNoInputs() {
        Decision unavailable = ScalingPolicy.decide(PolicySpec.defaults(), Obs.unavailable(1),
                WorkloadState.initial(2), Obs.t(1));
        Decision invalid = ScalingPolicy.decide(PolicySpec.builder().minReplicas(5).maxReplicas(2).build(),
                Obs.at(1).lag(10).build(), WorkloadState.initial(2), Obs.t(1));

        assertThat(unavailable.inputs()).isEmpty();
        assertThat(unavailable.arrivalRate()).isEmpty();
        assertThat(invalid.kind()).isEqualTo(DecisionKind.INVALID_SPEC);
        assertThat(invalid.inputs()).isEmpty();
    }
}
