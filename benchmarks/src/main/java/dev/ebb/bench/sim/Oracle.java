package dev.ebb.bench.sim;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.Parallelism;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The offline oracle: knowing the whole trace, the least replica-seconds that keep the time lag within the SLO,
 * given the same cold start, group pause and partition imbalance as the model.
 *
 * <p>It works on the fluid form of the model: mean per-replica rate, evenly loaded partitions, a group of {@code r}
 * members processing at {@code rate x partitions / ceil(partitions / r)} (the busiest member sets the pace), a pause
 * on every change of the member count, and pods started a cold start before they are needed (foreknowledge), each
 * start costing the cold start in replica-seconds. It reports two numbers, and the optimum lies between them:
 * <ul>
 *   <li><b>feasible schedule</b> (upper bound): a dynamic programme over windows of {@code oracleWindow}, one replica
 *       count per window, with the state being the time lag at the window start on a grid of one model step,
 *       always rounded <em>up</em> — so every schedule it finds keeps its promises when replayed exactly; its cost is
 *       then computed exactly ({@link #evaluate}).</li>
 *   <li><b>lower bound</b>, provable for any schedule whatever its timing: every record that arrived before
 *       {@code end - SLO} must be processed by the end, and a ready replica processes at most {@code rate} per
 *       second, so replica-seconds &ge; records / rate. (It ignores cold starts, pauses, imbalance and integrality,
 *       which is why it is loose where one replica is mostly idle: there the cheapest schedule duty-cycles.)</li>
 * </ul>
 * When no schedule can meet the SLO (the batch dump), the oracle first minimises seconds in violation — the least
 * possible is that of the largest group from the earliest moment — then replica-seconds.
 */
final class Oracle {

    /** Replica-seconds one second of SLO violation is worth to the planner: violations first, cost second. */
    private static final double VIOLATION_PENALTY = 1e6;
    private static final double INF = Double.POSITIVE_INFINITY;
    /** Time-lag grid values per model step; 2 and 4 change the standard results by under 1 % at 2-4x the time. */
    private static final int GRID_PER_STEP = 1;

    /**
     * The fluid planning problem. Times in model steps of {@code dt} seconds.
     *
     * @param cumulative cumulative arrivals at the start of each step ({@code steps + 1} values)
     * @param windowSteps replica counts change only at multiples of this
     * @param sloSteps time-lag SLO in steps
     */
    record Problem(double[] cumulative, double dt, double perReplicaRate, int partitions, int windowSteps,
                   int coldSteps, int pauseSteps, int sloSteps, int initialReplicas, int maxReplicas,
                   int gridPerStep) {

        static Problem of(SimSettings s, Trace trace) {
            return new Problem(trace.cumulative(), s.stepSeconds(), s.perReplicaRate(), s.partitions(),
                    s.steps(s.oracleWindow()), s.steps(s.coldStart()), s.steps(s.groupPause()), s.steps(s.slo()),
                    trace.initialReplicas(), Math.min(s.maxReplicas(), s.partitions()), GRID_PER_STEP);
        }

        int steps() {
            return cumulative.length - 1;
        }

        /** The most records any single step of the window brings. */
        double peakStepArrivals(int window) {
            int from = window * windowSteps;
            int to = Math.min(steps(), from + windowSteps);
            double peak = 0;
            for (int step = from; step < to; step++) {
                peak = Math.max(peak, cumulative[step + 1] - cumulative[step]);
            }
            return peak;
        }

        int windows() {
            return (steps() + windowSteps - 1) / windowSteps;
        }

        /** Records per step a group of {@code r} members processes. */
        double capacityPerStep(int r) {
            if (r <= 0) {
                return 0;
            }
            return perReplicaRate * new Parallelism(GroupKind.CONSUMER, partitions).effective(r) * dt;
        }

        /** A window may only have more members than the previous one if their pods could start at time >= 0. */
        boolean mayIncreaseAt(int window) {
            return (long) window * windowSteps >= coldSteps;
        }

        double windowSeconds(int window) {
            return (Math.min(steps(), (window + 1) * windowSteps) - window * windowSteps) * dt;
        }
    }

    /** What a schedule does in the fluid model. */
    record Evaluation(double replicaSeconds, double violationSeconds, double maxTimeLag, int changes,
                      boolean startsInTime) {
    }

    /**
     * @param replicas members per window (the feasible schedule)
     * @param plan its exact evaluation
     * @param lowerBound provable lower bound on replica-seconds
     * @param leastViolation seconds in violation no schedule can avoid (0 when the SLO is reachable)
     */
    record Plan(int[] replicas, int windowSteps, Evaluation plan, double lowerBound, double leastViolation) {

        boolean sloReachable() {
            return leastViolation == 0;
        }
    }

    private Oracle() {
    }

    static Plan plan(Problem problem) {
        // The least violation: the largest group from the earliest moment, without pauses (a relaxation).
        int[] largest = largestFromEarliest(problem);
        Problem noPause = new Problem(problem.cumulative(), problem.dt(), problem.perReplicaRate(),
                problem.partitions(), problem.windowSteps(), problem.coldSteps(), 0, problem.sloSteps(),
                problem.initialReplicas(), problem.maxReplicas(), problem.gridPerStep());
        Evaluation best = evaluate(noPause, largest);
        double leastViolation = best.violationSeconds();
        Evaluation largestWithPauses = evaluate(problem, largest);

        double sloSeconds = problem.sloSteps() * problem.dt();
        double maxTau = leastViolation == 0 ? sloSeconds
                : 2 * Math.max(largestWithPauses.maxTimeLag(), sloSeconds) + problem.windowSteps() * problem.dt();
        double[] grid = grid(problem, sloSeconds, maxTau);
        int[] schedule = solve(problem, grid);
        if (schedule == null) {
            schedule = largest; // cannot happen while the grid covers the largest group's lags; kept as a guard
        }
        Evaluation evaluation = evaluate(problem, schedule);

        double mustProcess = Trace.cumulativeAt(problem.cumulative(), problem.dt(),
                problem.steps() * problem.dt() - sloSeconds);
        double lowerBound = mustProcess / problem.perReplicaRate();
        return new Plan(schedule, problem.windowSteps(), evaluation, lowerBound, leastViolation);
    }

    static int[] largestFromEarliest(Problem problem) {
        int[] schedule = new int[problem.windows()];
        for (int k = 0; k < schedule.length; k++) {
            schedule[k] = problem.mayIncreaseAt(k) ? Math.max(problem.maxReplicas(), problem.initialReplicas())
                    : problem.initialReplicas();
        }
        return schedule;
    }

    /** Time-lag grid: {@code gridPerStep} values per model step, up to the SLO or (when violations cannot be avoided)
     *  up to {@code maxTau}. */
    private static double[] grid(Problem problem, double slo, double maxTau) {
        double resolution = problem.dt() / problem.gridPerStep();
        int count = (int) Math.ceil(Math.max(slo, maxTau) / resolution - 1e-9) + 1;
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = i * resolution;
        }
        return values;
    }

    /** Backward dynamic programme; returns replicas per window, or null when nothing is feasible on this grid. */
    private static int[] solve(Problem problem, double[] grid) {
        int windows = problem.windows();
        int states = grid.length;
        int maxR = Math.max(problem.maxReplicas(), problem.initialReplicas());
        int options = maxR + 1;
        double[][] next = new double[states][options]; // value from window k+1 on, by (state, members in window k)
        double[][] current = new double[states][options];
        long choiceBytes = 2L * windows * states * options;
        if (choiceBytes > 1L << 30) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "The oracle for this trace needs %,d MB (%d windows x %d time-lag states x %d replica counts):"
                            + " use fewer --max-replicas, a longer --oracle-window or a shorter trace",
                    choiceBytes >> 20, windows, states, options));
        }
        short[][][] choice = new short[windows][states][options];

        // distinct capacities: several member counts share the busiest member's partition count
        int[] capIndex = new int[options];
        List<Integer> representatives = new ArrayList<>();
        for (int r = 0; r < options; r++) {
            double cap = problem.capacityPerStep(r);
            int found = -1;
            for (int i = 0; i < representatives.size(); i++) {
                if (problem.capacityPerStep(representatives.get(i)) == cap) {
                    found = i;
                }
            }
            if (found < 0) {
                representatives.add(r);
                found = representatives.size() - 1;
            }
            capIndex[r] = found;
        }
        int caps = representatives.size();
        int[][] nextState = new int[2][caps];
        double[][] violation = new double[2][caps];
        int[][] hint = new int[2][caps];
        double[] gSame = new double[options];
        double[] gChanged = new double[options];
        double[] suffix = new double[options + 1];
        short[] suffixArg = new short[options + 1];

        for (int k = windows - 1; k >= 0; k--) {
            double seconds = problem.windowSeconds(k);
            double coldCost = problem.coldSteps() * problem.dt();
            boolean mayIncrease = problem.mayIncreaseAt(k);
            for (int[] h : hint) {
                Arrays.fill(h, 0);
            }
            for (int g = 0; g < states; g++) {
                for (int paused = 0; paused < 2; paused++) {
                    for (int c = 0; c < caps; c++) {
                        int state = hint[paused][c] < 0 ? -1 : transition(problem, grid, k, grid[g],
                                representatives.get(c), paused == 1, hint[paused][c], violation[paused], c);
                        nextState[paused][c] = state;
                        hint[paused][c] = state;
                    }
                }
                for (int r = 0; r < options; r++) {
                    gSame[r] = value(next, nextState[0][capIndex[r]], r) + r * seconds
                            + VIOLATION_PENALTY * violation[0][capIndex[r]];
                    gChanged[r] = value(next, nextState[1][capIndex[r]], r) + r * seconds
                            + VIOLATION_PENALTY * violation[1][capIndex[r]];
                }
                // suffix minimum of gChanged[r] + coldCost * r over r > rPrev
                suffix[options] = INF;
                suffixArg[options] = -1;
                for (int r = options - 1; r >= 0; r--) {
                    double v = gChanged[r] + coldCost * r;
                    if (v < suffix[r + 1]) {
                        suffix[r] = v;
                        suffixArg[r] = (short) r;
                    } else {
                        suffix[r] = suffix[r + 1];
                        suffixArg[r] = suffixArg[r + 1];
                    }
                }
                double prefix = INF;
                short prefixArg = -1;
                for (int prev = 0; prev < options; prev++) {
                    double best = gSame[prev];
                    short arg = (short) prev;
                    if (prefix < best) {
                        best = prefix;
                        arg = prefixArg;
                    }
                    if (mayIncrease && prev + 1 < options) {
                        double up = suffix[prev + 1] - coldCost * prev;
                        if (up < best) {
                            best = up;
                            arg = suffixArg[prev + 1];
                        }
                    }
                    current[g][prev] = best;
                    choice[k][g][prev] = arg;
                    if (gChanged[prev] < prefix) {
                        prefix = gChanged[prev];
                        prefixArg = (short) prev;
                    }
                }
            }
            double[][] swap = next;
            next = current;
            current = swap;
        }
        if (next[0][problem.initialReplicas()] == INF) {
            return null;
        }
        int[] schedule = new int[windows];
        int g = 0;
        int prev = problem.initialReplicas();
        for (int k = 0; k < windows; k++) {
            int r = choice[k][g][prev];
            schedule[k] = r;
            g = transition(problem, grid, k, grid[g], r, r != prev, 0, new double[1], 0);
            prev = r;
            if (g < 0) {
                return null;
            }
        }
        return schedule;
    }

    private static double value(double[][] next, int state, int r) {
        return state < 0 ? INF : next[state][r];
    }

    /**
     * One window from time lag {@code tau} with {@code r} members. Returns the next state: the smallest grid index
     * whose time lag is at or above the exact one (conservative), or -1 beyond the grid; the seconds in violation go
     * to {@code violation[slot]}. {@code hint} is a grid index known to be at or below the answer: the end state
     * only grows with the start state, so callers walking the start states upwards pass the previous answer and the
     * search costs O(1) amortized.
     */
    private static int transition(Problem problem, double[] grid, int window, double tau, int r, boolean paused,
                                  int hint, double[] violation, int slot) {
        double[] a = problem.cumulative();
        double dt = problem.dt();
        int from = window * problem.windowSteps();
        int to = Math.min(problem.steps(), from + problem.windowSteps());
        double processed = Trace.cumulativeAt(a, dt, from * dt - tau);
        double cap = problem.capacityPerStep(r);
        int pauseEnd = paused ? from + problem.pauseSteps() : from;
        int slo = problem.sloSteps();
        double late = 0;
        boolean keepsUp = cap >= problem.peakStepArrivals(window);
        for (int step = from; step < to; step++) {
            if (step >= pauseEnd) {
                processed = Math.min(a[step + 1], processed + cap);
                if (keepsUp && processed >= a[step + 1]) {
                    // caught up, and no later step of this window brings more than one step's capacity
                    violation[slot] = late;
                    return 0;
                }
            }
            int due = step + 1 - slo;
            if (due > 0 && processed < a[due] - 1e-6) {
                late += dt;
            }
        }
        violation[slot] = late;
        // time lag <= grid[i]  <=>  every record that arrived before (end - grid[i]) is processed
        double end = to * dt;
        for (int i = Math.max(0, hint); i < grid.length; i++) {
            if (Trace.cumulativeAt(a, dt, end - grid[i]) <= processed + 1e-6) {
                return i;
            }
        }
        return -1;
    }

    private static double timeLag(double[] a, double dt, int step, double processed) {
        if (processed >= a[step] - 1e-6) {
            return 0;
        }
        return Math.max(0, step * dt - Trace.arrivalTime(a, dt, processed));
    }

    /** Exact fluid evaluation of a schedule (members per window). */
    static Evaluation evaluate(Problem problem, int[] schedule) {
        double[] a = problem.cumulative();
        double dt = problem.dt();
        double processed = 0;
        double cost = 0;
        double violation = 0;
        double maxLag = 0;
        int changes = 0;
        boolean inTime = true;
        int prev = problem.initialReplicas();
        int slo = problem.sloSteps();
        for (int k = 0; k < problem.windows(); k++) {
            int r = schedule[k];
            if (r > prev && !problem.mayIncreaseAt(k)) {
                inTime = false;
            }
            cost += r * problem.windowSeconds(k) + Math.max(0, r - prev) * problem.coldSteps() * dt;
            int from = k * problem.windowSteps();
            int to = Math.min(problem.steps(), from + problem.windowSteps());
            int pauseEnd = r != prev ? from + problem.pauseSteps() : from;
            if (r != prev) {
                changes++;
            }
            double cap = problem.capacityPerStep(r);
            for (int step = from; step < to; step++) {
                if (step >= pauseEnd) {
                    processed = Math.min(a[step + 1], processed + cap);
                }
                int due = step + 1 - slo;
                if (due > 0 && processed < a[due] - 1e-6) {
                    violation += dt;
                }
                maxLag = Math.max(maxLag, timeLag(a, dt, step + 1, processed));
            }
            prev = r;
        }
        return new Evaluation(cost, violation, maxLag, changes, inTime);
    }
}
