package dev.ebb.bench.sim;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One policy on one trace: the recorded series and the numbers the report shows.
 *
 * @param firstScaleUp seconds from the burst start to the first added pod (negative: started ahead, the oracle)
 * @param sufficientCapacity seconds from the burst start until the ready group could process the burst rate
 *                           (or the largest group's rate when the burst is larger); empty if never
 * @param scaleChanges changes of the replica count
 * @param reversals changes whose direction differs from the previous change's
 * @param spread over the seeds when this is a median ({@link #median}); one run's own numbers otherwise
 */
record RunResult(String policy, float[] timeLag, short[] pods, short[] members, OptionalDouble firstScaleUp,
                 OptionalDouble sufficientCapacity, double p50, double p99, double maxTimeLag,
                 double violationSeconds, double replicaSeconds, int scaleChanges, int reversals,
                 long membershipChanges, double processed, double arrived, double backlog,
                 List<String> decisions, double imbalanceWaste, Spread spread) {

    /** Lowest and highest over the seeds, and how many seeds. */
    record Spread(int runs, double replicaSecondsMin, double replicaSecondsMax, double violationMin,
                  double violationMax) {
    }

    RunResult named(String name) {
        return new RunResult(name, timeLag, pods, members, firstScaleUp, sufficientCapacity, p50, p99, maxTimeLag,
                violationSeconds, replicaSeconds, scaleChanges, reversals, membershipChanges, processed, arrived,
                backlog, decisions, imbalanceWaste, spread);
    }

    /**
     * The median of each number over runs of one policy with different seeds. The series (for the charts) and the
     * decisions are those of the run whose replica-seconds are the median.
     */
    static RunResult median(List<RunResult> runs) {
        if (runs.size() == 1) {
            return runs.get(0);
        }
        List<RunResult> byCost = new java.util.ArrayList<>(runs);
        byCost.sort(java.util.Comparator.comparingDouble(RunResult::replicaSeconds));
        RunResult mid = byCost.get((byCost.size() - 1) / 2);
        double[] violation = runs.stream().mapToDouble(RunResult::violationSeconds).sorted().toArray();
        return new RunResult(mid.policy(), mid.timeLag(), mid.pods(), mid.members(),
                medianOf(runs.stream().map(RunResult::firstScaleUp).toList()),
                medianOf(runs.stream().map(RunResult::sufficientCapacity).toList()),
                med(runs.stream().mapToDouble(RunResult::p50).toArray()),
                med(runs.stream().mapToDouble(RunResult::p99).toArray()),
                med(runs.stream().mapToDouble(RunResult::maxTimeLag).toArray()),
                med(violation), med(runs.stream().mapToDouble(RunResult::replicaSeconds).toArray()),
                (int) Math.round(med(runs.stream().mapToDouble(RunResult::scaleChanges).toArray())),
                (int) Math.round(med(runs.stream().mapToDouble(RunResult::reversals).toArray())),
                Math.round(med(runs.stream().mapToDouble(RunResult::membershipChanges).toArray())),
                mid.processed(), mid.arrived(), mid.backlog(), mid.decisions(),
                med(runs.stream().mapToDouble(RunResult::imbalanceWaste).toArray()),
                new Spread(runs.size(), byCost.get(0).replicaSeconds(),
                        byCost.get(byCost.size() - 1).replicaSeconds(), violation[0],
                        violation[violation.length - 1]));
    }

    private static OptionalDouble medianOf(List<OptionalDouble> values) {
        double[] present = values.stream().filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble)
                .toArray();
        // Absent in most runs: absent.
        return present.length * 2 <= values.size() && present.length < values.size() ? OptionalDouble.empty()
                : OptionalDouble.of(med(present));
    }

    /** The median; the mean of the two middle values for an even count. */
    static double med(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static RunResult of(String policy, GroupModel model, Trace trace, SimSettings settings, List<String> decisions) {
        double dt = settings.stepSeconds();
        int n = trace.steps();
        float[] lag = model.timeLag;
        float[] sorted = lag.clone();
        Arrays.sort(sorted);
        double slo = settings.slo().toNanos() / 1e9;
        double violation = 0;
        double replicaSeconds = 0;
        int changes = 0;
        int reversals = 0;
        int lastDirection = 0;
        for (int i = 0; i < n; i++) {
            if (lag[i] > slo + 1e-6) {
                violation += dt;
            }
            replicaSeconds += model.podCount[i] * dt;
            int before = i == 0 ? trace.initialReplicas() : model.podCount[i - 1];
            int direction = Integer.compare(model.podCount[i], before);
            if (direction != 0) {
                changes++;
                if (lastDirection != 0 && direction != lastDirection) {
                    reversals++;
                }
                lastDirection = direction;
            }
        }
        OptionalDouble firstUp = OptionalDouble.empty();
        OptionalDouble sufficient = OptionalDouble.empty();
        if (trace.burstStart().isPresent()) {
            double start = trace.burstStart().getAsDouble();
            // the oracle starts pods ahead of the burst (a cold start, plus a window to be through the group pause)
            double lead = settings.coldStart().toNanos() / 1e9 + 2 * settings.oracleWindow().toNanos() / 1e9;
            int from = Math.max(0, (int) Math.round((start - lead) / dt));
            double target = Math.min(trace.burstRate(),
                    settings.perReplicaRate() * model.effectiveWorkers(settings.maxReplicas()));
            for (int i = from; i < n; i++) {
                int before = i == 0 ? trace.initialReplicas() : model.podCount[i - 1];
                if (firstUp.isEmpty() && model.podCount[i] > before) {
                    firstUp = OptionalDouble.of(i * dt - start);
                }
                if (sufficient.isEmpty()
                        && settings.perReplicaRate() * model.effectiveWorkers(model.memberCount[i]) >= target - 1e-6) {
                    sufficient = OptionalDouble.of(Math.max(0, i * dt - start));
                }
            }
        }
        return new RunResult(policy, lag, model.podCount.clone(), model.memberCount.clone(), firstUp, sufficient,
                percentile(sorted, 0.50), percentile(sorted, 0.99), sorted[sorted.length - 1], violation,
                replicaSeconds, changes, reversals, model.membershipChanges(), model.processed(), model.arrived(),
                model.backlog(), List.copyOf(decisions), imbalanceWaste(model, settings),
                new Spread(1, replicaSeconds, replicaSeconds, violation, violation));
    }

    /** Replica-seconds of pods that add no capacity: a count whose busiest member holds as many partitions as with
     *  fewer members (9 or 10 of 32 partitions are no faster than 8). */
    private static double imbalanceWaste(GroupModel model, SimSettings settings) {
        double waste = 0;
        for (short pods : model.podCount) {
            int useful = pods;
            while (useful > 1 && model.effectiveWorkers(useful - 1) >= model.effectiveWorkers(pods)) {
                useful--;
            }
            waste += (pods - useful) * settings.stepSeconds();
        }
        return waste;
    }

    private static double percentile(float[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
