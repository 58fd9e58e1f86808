package dev.ebb.scaler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PolicySpecTest {

    @Test
    void defaultsAreValidAndDocumented() {
        PolicySpec spec = PolicySpec.defaults();
        assertThat(spec.validate()).isEmpty();
        assertThat(spec.mode()).isEqualTo(Mode.DRAIN);
        assertThat(spec.minReplicas()).isZero();
        assertThat(spec.maxReplicas()).isEqualTo(10);
        assertThat(spec.idleCount()).isZero();
        assertThat(spec.activationLagThreshold()).isZero();
        assertThat(spec.lagThreshold()).isEqualTo(10);
        assertThat(spec.drainWithin()).isEqualTo(Duration.ofSeconds(30));
        assertThat(spec.perReplicaRate()).isEqualTo(100);
        assertThat(spec.maxTimeLag()).isEmpty();
        assertThat(spec.cooldown()).isEqualTo(Duration.ofMinutes(5));
        assertThat(spec.scaleDownWindow()).isEqualTo(spec.readyDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.tolerance()).isEqualTo(0.1);
        assertThat(spec.readyDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.commitInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(spec.fallback()).isEmpty();
        assertThat(spec.groupKind()).isEqualTo(GroupKind.CONSUMER);
        assertThat(spec.offsetResetPolicy()).isEqualTo(OffsetResetPolicy.LATEST);
    }

    record Invalid(String name, UnaryOperator<PolicySpec.Builder> change, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Invalid> invalidFields() {
        return Stream.of(
                new Invalid("negative minReplicas", b -> b.minReplicas(-1), "Invalid value -1 for minReplicas: must be >= 0"),
                new Invalid("zero maxReplicas", b -> b.maxReplicas(0), "Invalid value 0 for maxReplicas: must be >= 1"),
                new Invalid("max below min", b -> b.minReplicas(5).maxReplicas(3),
                        "Invalid value 3 for maxReplicas: must be >= minReplicas (5)"),
                new Invalid("idle above min", b -> b.minReplicas(2).idleReplicas(3),
                        "Invalid value 3 for idleReplicas: must be <= minReplicas (2)"),
                new Invalid("negative activation", b -> b.activationLagThreshold(-1),
                        "Invalid value -1 for activationLagThreshold: must be >= 0"),
                new Invalid("negative lagThreshold", b -> b.lagThreshold(-5), "Invalid value -5 for lagThreshold: must be > 0"),
                new Invalid("zero lagThreshold", b -> b.lagThreshold(0), "Invalid value 0 for lagThreshold: must be > 0"),
                new Invalid("zero drainWithin", b -> b.drainWithin(Duration.ZERO), "Invalid value 0s for drainWithin: must be > 0"),
                new Invalid("zero perReplicaRate", b -> b.perReplicaRate(0), "Invalid value 0.0 for perReplicaRate: must be a finite number > 0"),
                new Invalid("NaN perReplicaRate", b -> b.perReplicaRate(Double.NaN), "Invalid value NaN for perReplicaRate"),
                new Invalid("negative maxTimeLag", b -> b.maxTimeLag(Duration.ofSeconds(-5)),
                        "Invalid value -5s for maxTimeLag: must be > 0"),
                new Invalid("negative cooldown", b -> b.cooldown(Duration.ofSeconds(-1)), "Invalid value -1s for cooldown: must be >= 0"),
                new Invalid("zero scaleUpMaxStep", b -> b.scaleUpMaxStep(0), "Invalid value 0 for scaleUpMaxStep: must be >= 1"),
                new Invalid("negative window", b -> b.scaleDownWindow(Duration.ofMinutes(-1)),
                        "Invalid value -1m for scaleDownWindow: must be >= 0"),
                new Invalid("zero scaleDownMaxStep", b -> b.scaleDownMaxStep(0), "Invalid value 0 for scaleDownMaxStep: must be >= 1"),
                new Invalid("tolerance of one", b -> b.tolerance(1.0), "Invalid value 1.0 for tolerance: must be >= 0 and < 1"),
                new Invalid("negative readyDelay", b -> b.readyDelay(Duration.ofMillis(-500)),
                        "Invalid value -500ms for readyDelay: must be >= 0"),
                new Invalid("negative rebalanceGrace", b -> b.rebalanceGrace(Duration.ofSeconds(-2)),
                        "Invalid value -2s for rebalanceGrace: must be >= 0"),
                new Invalid("negative commitInterval", b -> b.commitInterval(Duration.ofSeconds(-5)),
                        "Invalid value -5s for commitInterval: must be >= 0"),
                new Invalid("zero staleAfter", b -> b.staleAfter(Duration.ZERO), "Invalid value 0s for staleAfter: must be > 0"),
                new Invalid("fallback threshold zero", b -> b.fallback(Fallback.of(0, 2)),
                        "Invalid value 0 for fallback.failureThreshold: must be >= 1"),
                new Invalid("fallback to zero", b -> b.fallback(Fallback.of(3, 0)),
                        "Invalid value 0 for fallback.replicas: must be >= 1"),
                new Invalid("fallback above max", b -> b.maxReplicas(4).fallback(Fallback.of(3, 6)),
                        "Invalid value 6 for fallback.replicas: must be <= maxReplicas (4)"),
                new Invalid("bad partitionLimitation", b -> b.partitionLimitation("1,x"),
                        "Invalid value 'x' for partitionLimitation"));
    }

    @ParameterizedTest
    @MethodSource("invalidFields")
    void namesFieldValueAndRule(Invalid c) {
        PolicySpec spec = c.change().apply(PolicySpec.builder()).build();
        assertThat(spec.validate()).anySatisfy(p -> assertThat(p).contains(c.expected()));
        assertThatThrownBy(spec::requireValid).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(c.expected());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        PolicySpec spec = PolicySpec.builder().minReplicas(-1).lagThreshold(-5).tolerance(2)
                .drainWithin(Duration.ofSeconds(-30)).partitionLimitation("3-1").build();
        List<String> problems = spec.validate();
        assertThat(problems).hasSize(5);
        assertThatThrownBy(spec::requireValid)
                .hasMessageContaining("minReplicas")
                .hasMessageContaining("Invalid value -5 for lagThreshold: must be > 0")
                .hasMessageContaining("tolerance")
                .hasMessageContaining("drainWithin")
                .hasMessageContaining("partitionLimitation");
    }

    @Test
    void validationChangesNothing() {
        PolicySpec spec = PolicySpec.builder().lagThreshold(-5).build();
        PolicySpec copy = spec.toBuilder().build();
        spec.validate();
        assertThat(spec).isEqualTo(copy);
        assertThat(spec.lagThreshold()).isEqualTo(-5);
    }

    @Test
    void unsetValuesTakeDefaults() {
        PolicySpec spec = new PolicySpec(null, 0, 10, null, 0, 10, null, 100, null, null, null, null, null, 0.1,
                null, null, null, null, null, null, null, false, false, false, false, null, false);
        assertThat(spec).isEqualTo(PolicySpec.defaults());
    }

    @Test
    void builderDerivesChangedCopies() {
        PolicySpec spec = PolicySpec.builder().mode(Mode.THRESHOLD).maxReplicas(8).build();
        PolicySpec changed = spec.toBuilder().maxReplicas(12).build();
        assertThat(changed.mode()).isEqualTo(Mode.THRESHOLD);
        assertThat(changed.maxReplicas()).isEqualTo(12);
        assertThat(spec.maxReplicas()).isEqualTo(8);
    }

    @Test
    void invalidSpecHoldsTheCurrentCount() {
        PolicySpec spec = PolicySpec.builder().lagThreshold(0).build();
        Decision d = ScalingPolicy.decide(spec, Obs.at(1).lag(1_000_000).arrivals(5000).build(),
                WorkloadState.initial(3), Obs.t(1));
        assertThat(d.desiredReplicas()).isEqualTo(3);
        assertThat(d.kind()).isEqualTo(DecisionKind.INVALID_SPEC);
        assertThat(d.reason()).contains("Invalid value 0 for lagThreshold: must be > 0");
    }

    @Test
    void fallbackBehaviorParsesKedaNames() {
        assertThat(FallbackBehavior.fromYaml("currentReplicasIfHigher")).isEqualTo(FallbackBehavior.CURRENT_REPLICAS_IF_HIGHER);
        assertThat(FallbackBehavior.fromYaml("static")).isEqualTo(FallbackBehavior.STATIC);
        assertThatThrownBy(() -> FallbackBehavior.fromYaml("sometimes"))
                .hasMessageContaining("Invalid value 'sometimes' for fallback.behavior");
    }
}
