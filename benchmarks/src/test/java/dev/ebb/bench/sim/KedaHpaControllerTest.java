package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KedaHpaControllerTest {

    private final SimSettings settings = SimSettings.standard();

    private int podsAt(RunResult run, double seconds) {
        return run.pods()[(int) Math.round(seconds / settings.stepSeconds())];
    }

    /** KEDA's loop at 0, 30, 60 s...; the HPA's sync at 7.5, 22.5, 37.5 s... */
    private KedaHpaController keda(KedaSettings k) {
        return new KedaHpaController(k, settings, 0, 7.5);
    }

    private KedaHpaController defaults() {
        return keda(KedaSettings.defaults(settings.kedaLagThreshold()));
    }

    @Test
    void scaleUpIsLimitedToFourPodsOrDoublingPer15Seconds() {
        // far more lag than 32 replicas' threshold from the start
        Trace flood = Traces.of("flood", "test", settings.stepSeconds(), 120, t -> 40_000, 1, 0, 40_000);
        RunResult run = Simulation.runOne(settings, flood, defaults());

        // HPA syncs at 7.5 s, 22.5 s, 37.5 s, 52.5 s; pods follow 0.5 s later
        assertThat(podsAt(run, 7.9)).isEqualTo(1);
        assertThat(podsAt(run, 8.1)).isEqualTo(5);   // max(1 x 2, 1 + 4)
        assertThat(podsAt(run, 23.1)).isEqualTo(10); // max(5 x 2, 5 + 4)
        assertThat(podsAt(run, 38.1)).isEqualTo(20); // doubling
        assertThat(podsAt(run, 53.1)).isEqualTo(32); // the metric is clamped at 32 partitions x lagThreshold
        assertThat(podsAt(run, 119)).isEqualTo(32);
    }

    @Test
    void kedasActivationIsNotCountedInTheHpasScaleUpBudget() {
        Trace flood = Traces.of("flood", "test", settings.stepSeconds(), 60, t -> t >= 1 ? 40_000 : 0, 0, 1, 40_000);
        RunResult run = Simulation.runOne(settings, flood, defaults());
        // KEDA activates 0 -> 1 at 30 s; the HPA's next sync (37.5 s) starts its budget from 1: max(1 x 2, 1 + 4)
        assertThat(podsAt(run, 30.6)).isEqualTo(1);
        assertThat(podsAt(run, 38.1)).isEqualTo(5);
    }

    @Test
    void scaleDownWaitsForTheStabilizationWindow() {
        // 8,000/s for 2 minutes, then a trickle that one replica handles
        Trace burst = Traces.of("burst", "test", settings.stepSeconds(), 900, t -> t < 120 ? 8000 : 200, 1, 0, 8000);
        RunResult run = Simulation.runOne(settings, burst, defaults());
        int[] window300 = lastIncreaseAndFirstDecrease(run);
        double dt = settings.stepSeconds();
        assertThat(run.pods()[window300[0]]).isGreaterThan((short) 3);
        // the backlog is gone soon after the burst, yet the highest recommendation of the last 300 s holds
        assertThat(window300[1] * dt).isGreaterThanOrEqualTo(window300[0] * dt + 300 - 1);
        assertThat(run.pods()[run.pods().length - 1]).isEqualTo((short) 1);

        // A 30 s window: the same burst, scaled down within a minute of the backlog going
        KedaSettings shortWindow = KedaSettings.defaults(settings.kedaLagThreshold()).tuned(
                settings.kedaLagThreshold(), 30, 30);
        RunResult tuned = Simulation.runOne(settings, burst, keda(shortWindow));
        int[] window30 = lastIncreaseAndFirstDecrease(tuned);
        assertThat(window30[1] * dt).isLessThan(window300[1] * dt - 200);
        assertThat(tuned.replicaSeconds()).isLessThan(run.replicaSeconds());
    }

    private static int[] lastIncreaseAndFirstDecrease(RunResult run) {
        int lastIncrease = -1;
        int firstDecrease = -1;
        for (int i = 1; i < run.pods().length; i++) {
            if (run.pods()[i] > run.pods()[i - 1] && firstDecrease < 0) {
                lastIncrease = i;
            }
            if (run.pods()[i] < run.pods()[i - 1] && firstDecrease < 0) {
                firstDecrease = i;
            }
        }
        return new int[] {lastIncrease, firstDecrease};
    }

    @Test
    void activatesFromZeroOnlyAtItsPollingIntervalAndCoolsDownToZero() {
        Trace batch = Traces.of("b", "test", settings.stepSeconds(), 900, t -> t >= 31 && t < 41 ? 5000 : 0, 0, 31, 5000);
        RunResult run = Simulation.runOne(settings, batch, defaults());

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
        RunResult run = Simulation.runOne(settings, steady, keda(KedaSettings.defaults(
                KedaHpaController.DEFAULT_LAG_THRESHOLD)));
        // 500/s fits one replica, but commit lag alone exceeds 32 x 10 records
        assertThat(podsAt(run, 299)).isEqualTo(32);
    }

    @Test
    void withCachedMetricsTheHpaSeesTheValueOfKedasLastPoll() {
        // The flood starts at 31 s: KEDA polled at 30 s (no lag yet), the HPA syncs at 37.5 and 52.5 s.
        Trace flood = Traces.of("flood", "test", settings.stepSeconds(), 90, t -> t >= 31 ? 40_000 : 500, 1, 31,
                40_000);
        KedaSettings d = KedaSettings.defaults(settings.kedaLagThreshold());
        KedaSettings cached = new KedaSettings("cached", d.lagThreshold(), d.activationLagThreshold(),
                d.pollingInterval(), d.cooldownPeriod(), true, d.hpaSyncPeriod(), d.tolerance(), d.scaleUp(),
                d.scaleDown());
        RunResult fresh = Simulation.runOne(settings, flood, keda(d));
        RunResult stale = Simulation.runOne(settings, flood, keda(cached));
        assertThat(podsAt(fresh, 38.1)).isEqualTo(5);
        assertThat(podsAt(stale, 38.1)).isEqualTo(1); // the cached value is from 30 s
        assertThat(podsAt(stale, 53.1)).isEqualTo(1);
        assertThat(podsAt(stale, 68.1)).isGreaterThan(1); // KEDA's 60 s poll refreshed it for the 67.5 s sync
    }

    @Test
    void pollPhasesAreDrawnPerRunFromTheSeed() {
        Trace flood = Traces.of("flood", "test", settings.stepSeconds(), 60, t -> t >= 1 ? 40_000 : 500, 1, 1,
                40_000);
        List<Double> firstUp = new java.util.ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            SimSettings s = settings.withSeed(seed);
            RunResult run = Simulation.runOne(s, flood, new KedaHpaController(s));
            firstUp.add(run.firstScaleUp().orElse(-1));
        }
        // The HPA's sync phase is uniform in 15 s: six seeds do not all react at the same moment, all within 15.5 s
        assertThat(firstUp.stream().distinct().count()).isGreaterThan(1);
        assertThat(firstUp).allSatisfy(t -> assertThat(t).isBetween(0.0, 15.6));
    }
}
