package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.reconcile.Pause;
import org.junit.jupiter.api.Test;

/**
 * The simulator's controller runs the live loop's reconcile step ({@code dev.ebb.scaler.reconcile.Reconcile}), so the
 * loop's pause and hold rules apply in the simulator without a copy of them here.
 */
class EbbControllerTest {

    private final SimSettings settings = SimSettings.standard();

    /** 500/s for 2 min, 6,000/s for 4 min, 500/s for 4 min, from one replica. */
    private Trace shortStep() {
        return Traces.of("short-step", "test", settings.stepSeconds(), 600, t -> t >= 120 && t < 360 ? 6000 : 500,
                1, 120, 6000);
    }

    private RunResult run(Pause pause) {
        return Simulation.runOne(settings, shortStep(), new EbbController(EbbPolicies.DRAIN,
                EbbPolicies.spec(Mode.DRAIN, settings), settings, pause));
    }

    @Test
    void aPausedWorkloadIsNotScaledBecauseTheReconcileStepSaysSo() {
        RunResult following = run(Pause.none());
        assertThat(following.scaleChanges()).as("the same trace scales when not paused").isPositive();

        RunResult paused = run(new Pause.Paused("annotation ebb.dev/paused=true"));
        assertThat(paused.decisions()).isEmpty();
        assertThat(paused.scaleChanges()).isZero();
        assertThat(paused.pods()).containsOnly((short) 1);
        // the backlog it was not allowed to drain shows as time lag
        assertThat(paused.violationSeconds()).isGreaterThan(following.violationSeconds());
    }

    @Test
    void aHeldWorkloadGoesToTheHoldAndStaysThere() {
        RunResult held = run(new Pause.HoldAt(3, "annotation ebb.dev/paused-replicas=3"));
        assertThat(held.decisions()).singleElement().satisfies(d -> assertThat(d)
                .contains("1 -> 3").contains("annotation ebb.dev/paused-replicas=3"));
        short[] pods = held.pods();
        assertThat(pods[pods.length - 1]).isEqualTo((short) 3);
        assertThat(pods).containsOnly((short) 1, (short) 3);
    }
}
