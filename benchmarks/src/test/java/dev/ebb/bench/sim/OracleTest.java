package dev.ebb.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OracleTest {

    /**
     * Small problems: 0.1 s steps, 1 s windows, 1 s cold start, 0.5 s pause, 2 s SLO, 4 partitions, 10 records/s per
     * replica, at most 3 replicas, 8 windows: 4^8 schedules, few enough to try them all.
     */
    private static Oracle.Problem small(long seed, int initialReplicas) {
        SplittableRandom random = new SplittableRandom(seed);
        int steps = 80;
        double dt = 0.1;
        double[] cumulative = new double[steps + 1];
        double rate = random.nextDouble(25);
        for (int i = 0; i < steps; i++) {
            if (i % 10 == 0) {
                // a new rate every second: often idle, sometimes more than the largest group can process
                rate = random.nextInt(4) == 0 ? 0 : random.nextDouble(40);
            }
            cumulative[i + 1] = cumulative[i] + rate * dt;
        }
        return new Oracle.Problem(cumulative, dt, 10, 4, 10, 10, 5, 20, initialReplicas, 3, 4);
    }

    private record Best(double cost, double violation) {
    }

    /** Every schedule on the window grid, exactly evaluated: least violation first, then least cost. */
    private static Best bruteForce(Oracle.Problem problem) {
        int windows = problem.windows();
        int options = problem.maxReplicas() + 1;
        int[] schedule = new int[windows];
        Best best = new Best(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        int total = (int) Math.pow(options, windows);
        for (int code = 0; code < total; code++) {
            int c = code;
            for (int k = 0; k < windows; k++) {
                schedule[k] = c % options;
                c /= options;
            }
            Oracle.Evaluation e = Oracle.evaluate(problem, schedule);
            if (!e.startsInTime()) {
                continue;
            }
            boolean better = e.violationSeconds() < best.violation() - 1e-9
                    || (Math.abs(e.violationSeconds() - best.violation()) <= 1e-9 && e.replicaSeconds() < best.cost());
            if (better) {
                best = new Best(e.replicaSeconds(), e.violationSeconds());
            }
        }
        return best;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void feasibleScheduleAndLowerBoundBracketTheBruteForceOptimum(long seed) {
        Oracle.Problem problem = small(seed, seed % 3 == 0 ? 0 : 1);
        Best best = bruteForce(problem);
        Oracle.Plan plan = Oracle.plan(problem);

        // No schedule beats the relaxation's violation, and the plan's replay is never worse than it claimed.
        assertThat(plan.plan().startsInTime()).isTrue();
        assertThat(plan.leastViolation()).isLessThanOrEqualTo(best.violation() + 1e-9);
        if (best.violation() == 0) {
            assertThat(plan.sloReachable()).isTrue();
            assertThat(plan.plan().violationSeconds()).isZero();
            assertThat(plan.lowerBound()).isLessThanOrEqualTo(best.cost() + 1e-9);
            assertThat(plan.plan().replicaSeconds()).isGreaterThanOrEqualTo(best.cost() - 1e-9);
            // conservative rounding of the time lag costs a little at most (none on these cases with 4 per step)
            assertThat(plan.plan().replicaSeconds()).isLessThanOrEqualTo(best.cost() * 1.05 + 1e-9);
        } else {
            assertThat(plan.sloReachable()).isFalse();
            assertThat(plan.plan().violationSeconds()).isGreaterThanOrEqualTo(best.violation() - 1e-9);
            assertThat(plan.plan().violationSeconds()).isLessThanOrEqualTo(best.violation() + 0.2 + 1e-9);
        }
    }

    @Test
    void findsTheExactOptimumWhenNoRoundingIsNeeded() {
        // arrivals only in whole seconds of 0 or 20/s: one replica drains 10/s, two 20/s, four (on 4 partitions) 40/s
        double dt = 0.1;
        double[] rates = {0, 0, 20, 20, 0, 0, 0, 0};
        double[] cumulative = new double[81];
        for (int i = 0; i < 80; i++) {
            cumulative[i + 1] = cumulative[i] + rates[i / 10] * dt;
        }
        Oracle.Problem problem = new Oracle.Problem(cumulative, dt, 10, 4, 10, 10, 0, 20, 0, 3, 1);
        Best best = bruteForce(problem);
        Oracle.Plan plan = Oracle.plan(problem);
        assertThat(best.violation()).isZero();
        assertThat(plan.plan().replicaSeconds()).isCloseTo(best.cost(), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void dutyCyclesOneReplicaBelowOneReplicasLoad() {
        // 100/s for 20 minutes against 1,000/s per replica, 10 s cold start, 30 s SLO: always-on costs 1,200 s
        SimSettings s = SimSettings.standard();
        Trace trickle = Traces.of("trickle", "100/s", s.stepSeconds(), 1200, t -> 100, 1, 0, 100);
        Oracle.Plan plan = Oracle.plan(Oracle.Problem.of(s, trickle));

        assertThat(plan.plan().violationSeconds()).isZero();
        assertThat(Arrays.stream(plan.replicas()).filter(r -> r == 0).count())
                .as("windows with no replica").isGreaterThan(plan.replicas().length / 3);
        assertThat(plan.plan().replicaSeconds()).isLessThan(0.7 * 1200);
        assertThat(plan.lowerBound()).isLessThanOrEqualTo(plan.plan().replicaSeconds());
    }

    @Test
    void batchDumpBeyondTheLargestGroupCannotMeetTheSlo() {
        SimSettings s = SimSettings.standard();
        Oracle.Plan plan = Oracle.plan(Oracle.Problem.of(s, Traces.byName("batch", s)));

        assertThat(plan.sloReachable()).isFalse();
        assertThat(plan.plan().violationSeconds()).isGreaterThanOrEqualTo(plan.leastViolation());
        // the plan uses the whole group for the dump: at most a couple of pauses worse than the relaxation
        assertThat(plan.plan().violationSeconds()).isLessThanOrEqualTo(plan.leastViolation() + 2 * 2.0 + 1e-9);
    }
}
