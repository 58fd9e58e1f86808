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
 */
record RunResult(String policy, float[] timeLag, short[] pods, short[] members, OptionalDouble firstScaleUp,
                 OptionalDouble sufficientCapacity, double p50, double p99, double maxTimeLag,
                 double violationSeconds, double replicaSeconds, int scaleChanges, int reversals,
                 long membershipChanges, double processed, double arrived, double backlog,
                 List<String> decisions, double imbalanceWaste) {

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
                    settings.perReplicaRate() * settings.effectiveReplicas(settings.maxReplicas()));
            for (int i = from; i < n; i++) {
                int before = i == 0 ? trace.initialReplicas() : model.podCount[i - 1];
                if (firstUp.isEmpty() && model.podCount[i] > before) {
                    firstUp = OptionalDouble.of(i * dt - start);
                }
                if (sufficient.isEmpty()
                        && settings.perReplicaRate() * settings.effectiveReplicas(model.memberCount[i]) >= target - 1e-6) {
                    sufficient = OptionalDouble.of(Math.max(0, i * dt - start));
                }
            }
        }
        return new RunResult(policy, lag, model.podCount.clone(), model.memberCount.clone(), firstUp, sufficient,
                percentile(sorted, 0.50), percentile(sorted, 0.99), sorted[sorted.length - 1], violation,
                replicaSeconds, changes, reversals, model.membershipChanges(), model.processed(), model.arrived(),
                model.backlog(), List.copyOf(decisions), imbalanceWaste(model, settings));
    }

    /** Replica-seconds of pods that add no capacity: a count whose busiest member holds as many partitions as with
     *  fewer members (9 or 10 of 32 partitions are no faster than 8). */
    private static double imbalanceWaste(GroupModel model, SimSettings settings) {
        double waste = 0;
        for (short pods : model.podCount) {
            int useful = pods;
            while (useful > 1 && settings.effectiveReplicas(useful - 1) >= settings.effectiveReplicas(pods)) {
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
