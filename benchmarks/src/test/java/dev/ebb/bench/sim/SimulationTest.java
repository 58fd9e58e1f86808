package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SimulationTest {

    private final SimSettings settings = SimSettings.standard();

    /** 500/s for 2 min, 6,000/s for 4 min, 500/s for 4 min. */
    private Trace shortStep() {
        return Traces.of("short-step", "test", settings.stepSeconds(), 600, t -> t >= 120 && t < 360 ? 6000 : 500,
                1, 120, 6000);
    }

    @Test
    void drainModeReactsBeforeKedaAndUsesFewerReplicaSeconds() {
        List<Function<SimSettings, Controller>> policies = List.of(KedaHpaController::new,
                s -> new EbbController(EbbPolicies.DRAIN, EbbPolicies.spec(dev.ebb.scaler.policy.Mode.DRAIN, s), s));
        Simulation.TraceResult result = Simulation.run(settings, shortStep(), policies);
        RunResult keda = result.run("keda-hpa");
        RunResult drain = result.run(EbbPolicies.DRAIN);

        assertThat(drain.firstScaleUp()).isPresent();
        assertThat(keda.firstScaleUp()).isPresent();
        assertThat(drain.firstScaleUp().getAsDouble()).isLessThan(keda.firstScaleUp().getAsDouble());
        assertThat(drain.sufficientCapacity().getAsDouble()).isLessThan(keda.sufficientCapacity().getAsDouble());
        assertThat(drain.replicaSeconds()).isLessThan(keda.replicaSeconds());
        assertThat(drain.violationSeconds()).isZero();
        // and nobody beats the oracle's lower bound
        for (RunResult run : result.runs()) {
            assertThat(run.replicaSeconds()).isGreaterThanOrEqualTo(result.plan().lowerBound());
        }
    }

    @Test
    void drainModeRunsTheScalersPolicyAndExplainsEveryChange() {
        RunResult drain = Simulation.runOne(settings, shortStep(),
                new EbbController(EbbPolicies.DRAIN, EbbPolicies.spec(dev.ebb.scaler.policy.Mode.DRAIN, settings),
                        settings));
        assertThat(drain.decisions()).isNotEmpty();
        assertThat(drain.decisions()).allSatisfy(d -> assertThat(d).contains("->"));
        assertThat(drain.decisions().get(0)).contains("arrivals");
        // the decisions the controller logged are the count changes the model saw
        assertThat(drain.decisions()).hasSize(drain.scaleChanges());
    }

    @Test
    void theLateOracleIsTheOraclesScheduleShiftedToOnePollAfterTheBurst() {
        Trace batch = Traces.byName("batch", settings);
        Oracle.Plan plan = Oracle.plan(Oracle.Problem.of(settings, batch));
        assertThat(plan.sloReachable()).as("batch is the trace no schedule keeps within the SLO").isFalse();
        RunResult oracle = Simulation.runOne(settings, batch, new ScheduleController(plan, settings, batch));
        RunResult late = Simulation.runOne(settings, batch, ScheduleController.late(plan, settings, batch));
        double poll = settings.ebbPoll().toNanos() / 1e9;

        assertThat(oracle.firstScaleUp().getAsDouble()).as("the oracle starts ahead of the dump").isNegative();
        assertThat(late.firstScaleUp().getAsDouble()).isCloseTo(poll, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(late.replicaSeconds()).as("the same counts for the same lengths")
                .isCloseTo(oracle.replicaSeconds(), org.assertj.core.data.Offset.offset(settings.stepSeconds() * 32));
        assertThat(late.violationSeconds()).as("a cold start and a poll late costs more than their sum here")
                .isGreaterThan(oracle.violationSeconds() + (settings.coldStart().toNanos() / 1e9) + poll);
    }
}
