package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.PolicySpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fair-comparison machinery: KEDA's sweep, medians over seeds, Ebb's priors apart from the model. */
class SweepAndPriorsTest {

    private final SimSettings settings = SimSettings.standard();

    @Test
    void theTunedKedaIsNoWorseThanItsDefaultsWhichAreInTheSweep() {
        Trace burst = Traces.of("burst", "test", settings.stepSeconds(), 600,
                t -> t >= 60 && t < 120 ? 8000 : 300, 1, 60, 8000);
        long[] seeds = {1, 2};
        KedaSettings best = Simulation.sweep(settings, burst, seeds);
        RunResult tuned = Simulation.median(Simulation.Row.of("t", s -> new KedaHpaController(best, s)), settings,
                burst, seeds);
        RunResult defaults = Simulation.median(Simulation.Row.of("d", KedaHpaController::new), settings, burst, seeds);
        assertThat(tuned.violationSeconds()).isLessThanOrEqualTo(
                Math.max(defaults.violationSeconds(), 0) + Simulation.SWEEP_VIOLATION_SLACK);
        if (defaults.violationSeconds() <= tuned.violationSeconds()) {
            assertThat(tuned.replicaSeconds()).isLessThanOrEqualTo(defaults.replicaSeconds());
        }
        // On a short burst the 300 s scale-down window is pure waste: the sweep finds a shorter one.
        assertThat(best.scaleDown().stabilizationWindow()).isLessThan(300);
    }

    @Test
    void aMedianRowReportsTheMedianAndTheSpreadOverSeeds() {
        Trace trace = Traces.byName("spike", settings);
        long[] seeds = Simulation.seeds(1, 3);
        RunResult median = Simulation.median(Simulation.Row.of("keda-hpa", KedaHpaController::new), settings, trace,
                seeds);
        double[] each = new double[3];
        for (int i = 0; i < 3; i++) {
            SimSettings s = settings.withSeed(seeds[i]);
            each[i] = Simulation.runOne(s, trace, new KedaHpaController(s)).replicaSeconds();
        }
        java.util.Arrays.sort(each);
        assertThat(median.replicaSeconds()).isEqualTo(each[1]);
        assertThat(median.spread().replicaSecondsMin()).isEqualTo(each[0]);
        assertThat(median.spread().replicaSecondsMax()).isEqualTo(each[2]);
        assertThat(median.spread().runs()).isEqualTo(3);
    }

    @Test
    void changingTheModelDoesNotTellEbb() {
        SimSettings slowerWorkers = new SimSettings(settings.step(), Duration.ofSeconds(20), 500, settings.noise(),
                settings.partitions(), settings.protocol(), settings.classicPause(), settings.consumerPause(),
                settings.commitInterval(), settings.ebbPoll(), settings.actuationDelay(), settings.slo(),
                settings.maxReplicas(), settings.oracleWindow(), settings.kedaLagThreshold(), settings.seed(),
                settings.ebbPerReplicaRate(), settings.ebbReadyDelay(), settings.ebbCommitInterval(),
                settings.ebbScaleDownWindow());
        PolicySpec spec = EbbPolicies.spec(Mode.DRAIN, slowerWorkers);
        assertThat(spec.perReplicaRate()).isEqualTo(1000);
        assertThat(spec.readyDelay()).isEqualTo(Duration.ofSeconds(12));
        PolicySpec told = EbbPolicies.spec(Mode.DRAIN, slowerWorkers.withEbbPriors(500, Duration.ofSeconds(22),
                Duration.ofSeconds(5)));
        assertThat(told.perReplicaRate()).isEqualTo(500);
        assertThat(told.readyDelay()).isEqualTo(Duration.ofSeconds(22));
    }

    @Test
    void generatedTracesAreFixedBySeedAndDifferAcrossSeeds() {
        for (String family : Traces.families()) {
            Trace a = Traces.generated(family, 1001, settings);
            Trace b = Traces.generated(family, 1001, settings);
            Trace c = Traces.generated(family, 1002, settings);
            assertThat(a.rates()).isEqualTo(b.rates());
            assertThat(a.totalRecords()).isNotEqualTo(c.totalRecords());
            assertThat(a.totalRecords()).isPositive();
        }
    }

    @Test
    void ebbsPollPhaseIsDrawnPerRunAsKedasIs() {
        Trace flood = Traces.of("flood", "test", settings.stepSeconds(), 30, t -> t >= 5 ? 20_000 : 500, 1, 5,
                20_000);
        java.util.Set<Double> firstUp = new java.util.HashSet<>();
        for (long seed = 1; seed <= 6; seed++) {
            SimSettings s = settings.withSeed(seed);
            RunResult run = Simulation.runOne(s, flood, EbbPolicies.controller("d", Mode.DRAIN, s));
            firstUp.add(run.firstScaleUp().orElse(-1));
        }
        assertThat(firstUp).hasSizeGreaterThan(1);
        // a poll within 1 s of the burst (or the one after it, when the first saw too little), plus the actuation
        assertThat(firstUp).allSatisfy(t -> assertThat(t).isBetween(0.5, 2.6));
    }

    @Test
    void theKip848RowRunsTheModelWithTheConsumerProtocolAndTellsEbbNothing() {
        Simulation.Row row = Simulation.sensitivityRows().stream()
                .filter(r -> r.name().equals(Simulation.KIP848)).findFirst().orElseThrow();
        SimSettings model = row.model().apply(settings);
        assertThat(model.protocol()).isEqualTo(SimSettings.Protocol.CONSUMER);
        assertThat(model.groupPause()).isEqualTo(Duration.ofMillis(300));
        assertThat(EbbPolicies.spec(Mode.DRAIN, model).readyDelay()).isEqualTo(settings.ebbReadyDelay());
    }
}
