package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KedaHpaControllerTest {

    private final SimSettings settings = SimSettings.standard();

    private int podsAt(RunResult run, double seconds) {
        return run.pods()[(int) Math.round(seconds / settings.stepSeconds())];
    }

    @Test
    void scaleUpIsLimitedToFourPodsOrDoublingPer15Seconds() {
        // far more lag than 32 replicas' threshold from the start
        Trace flood = Traces.of("flood", "test", settings.stepSeconds(), 120, t -> 40_000, 1, 0, 40_000);
        RunResult run = Simulation.runOne(settings, flood, new KedaHpaController(settings));

        // HPA syncs at 7.5 s, 22.5 s, 37.5 s, 52.5 s; pods follow 0.5 s later
        assertThat(podsAt(run, 7.9)).isEqualTo(1);
        assertThat(podsAt(run, 8.1)).isEqualTo(5);   // max(1 x 2, 1 + 4)
        assertThat(podsAt(run, 23.1)).isEqualTo(10); // max(5 x 2, 5 + 4)
        assertThat(podsAt(run, 38.1)).isEqualTo(20); // doubling
        assertThat(podsAt(run, 53.1)).isEqualTo(32); // the metric is clamped at 32 partitions x lagThreshold
        assertThat(podsAt(run, 119)).isEqualTo(32);
    }

    @Test
    void scaleDownWaitsForTheStabilizationWindow() {
        // 8,000/s for 2 minutes, then a trickle that one replica handles
        Trace burst = Traces.of("burst", "test", settings.stepSeconds(), 900, t -> t < 120 ? 8000 : 200, 1, 0, 8000);
        RunResult run = Simulation.runOne(settings, burst, new KedaHpaController(settings));

        int lastIncrease = -1;
        int firstDecrease = -1;
        for (int i = 1; i < run.pods().length; i++) {
            if (run.pods()[i] > run.pods()[i - 1]) {
                lastIncrease = i;
            }
            if (run.pods()[i] < run.pods()[i - 1] && firstDecrease < 0) {
                firstDecrease = i;
            }
        }
        int quietFrom = -1;
        for (int i = 1200; i < run.timeLag().length; i++) {
            if (run.timeLag()[i] < 1) {
                quietFrom = i;
                break;
            }
        }
        double dt = settings.stepSeconds();
        assertThat(run.pods()[lastIncrease]).isGreaterThan((short) 3);
        // the backlog is gone soon after the burst, yet the highest recommendation of the last 300 s holds
        assertThat(quietFrom * dt).isLessThan(150);
        assertThat(firstDecrease * dt).isGreaterThanOrEqualTo(lastIncrease * dt + 300 - 1);
        assertThat(firstDecrease * dt).isGreaterThan(quietFrom * dt + 150);
        assertThat(run.pods()[run.pods().length - 1]).isEqualTo((short) 1);
    }

    @Test
    void activatesFromZeroOnlyAtItsPollingIntervalAndCoolsDownToZero() {
        Trace batch = Traces.of("b", "test", settings.stepSeconds(), 900, t -> t >= 31 && t < 41 ? 5000 : 0, 0, 31, 5000);
        RunResult run = Simulation.runOne(settings, batch, new KedaHpaController(settings));

        // records from 31 s; KEDA's loop runs at 0 s, 30 s, 60 s: it activates at 60 s (pod at 60.5 s)
        assertThat(podsAt(run, 60.4)).isZero();
        assertThat(podsAt(run, 60.6)).isEqualTo(1);
        // lag is gone by ~2 min; after 300 s without lag, on a 30 s loop, back to zero
        assertThat(podsAt(run, 360)).isPositive();
        assertThat(run.pods()[run.pods().length - 1]).isZero();
    }

    @Test
    void withTheDefaultLagThresholdOfTenAnyBacklogPinsTheGroupAtThePartitionCount() {
        Trace steady = Traces.of("steady", "test", settings.stepSeconds(), 300, t -> 500, 1, 0, 500);
        RunResult run = Simulation.runOne(settings, steady,
                new KedaHpaController("keda-hpa-lag10", KedaHpaController.DEFAULT_LAG_THRESHOLD, settings));
        // 500/s fits one replica, but commit lag alone exceeds 32 x 10 records
        assertThat(podsAt(run, 299)).isEqualTo(32);
    }
}
