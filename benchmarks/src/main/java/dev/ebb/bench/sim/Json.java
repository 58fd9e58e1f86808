package dev.ebb.bench.sim;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** The report's numbers as JSON (hand-written, no library), for scripts and README tables. */
final class Json {

    private Json() {
    }

    static String of(List<Simulation.TraceResult> results, SimSettings s, long[] seeds) {
        StringBuilder j = new StringBuilder("{\n  \"settings\": {");
        j.append("\"stepSeconds\": ").append(num(s.stepSeconds()))
                .append(", \"coldStartSeconds\": ").append(num(seconds(s.coldStart())))
                .append(", \"perReplicaRate\": ").append(num(s.perReplicaRate()))
                .append(", \"noise\": ").append(num(s.noise()))
                .append(", \"partitions\": ").append(s.partitions())
                .append(", \"protocol\": \"").append(s.protocol().name().toLowerCase(Locale.ROOT)).append('"')
                .append(", \"groupPauseSeconds\": ").append(num(seconds(s.groupPause())))
                .append(", \"commitIntervalSeconds\": ").append(num(seconds(s.commitInterval())))
                .append(", \"ebbPollSeconds\": ").append(num(seconds(s.ebbPoll())))
                .append(", \"actuationDelaySeconds\": ").append(num(seconds(s.actuationDelay())))
                .append(", \"sloSeconds\": ").append(num(seconds(s.slo())))
                .append(", \"maxReplicas\": ").append(s.maxReplicas())
                .append(", \"kedaLagThreshold\": ").append(s.kedaLagThreshold())
                .append(", \"ebbPerReplicaRate\": ").append(num(s.ebbPerReplicaRate()))
                .append(", \"ebbReadyDelaySeconds\": ").append(num(seconds(s.ebbReadyDelay())))
                .append(", \"ebbCommitIntervalSeconds\": ").append(num(seconds(s.ebbCommitInterval())))
                .append(", \"seeds\": ").append(java.util.Arrays.toString(seeds))
                .append(", \"statistic\": \"median over seeds\", \"ratiosOver\": \"oracle fluid feasible schedule\"")
                .append("},\n  \"traces\": [");
        for (int t = 0; t < results.size(); t++) {
            Simulation.TraceResult r = results.get(t);
            Oracle.Plan plan = r.plan();
            j.append(t == 0 ? "\n" : ",\n").append("    {\"name\": \"").append(r.trace().name())
                    .append("\", \"records\": ").append(num(r.trace().totalRecords()))
                    .append(", \"oracle\": {\"feasibleReplicaSeconds\": ").append(num(plan.plan().replicaSeconds()))
                    .append(", \"lowerBoundReplicaSeconds\": ").append(num(plan.lowerBound()))
                    .append(", \"violationSeconds\": ").append(num(plan.plan().violationSeconds()))
                    .append(", \"leastViolationSeconds\": ").append(num(plan.leastViolation()))
                    .append("}");
            r.notes().forEach((k, v) -> j.append(", \"").append(k).append("\": \"").append(v).append('"'));
            j.append(", \"runs\": [");
            for (int i = 0; i < r.runs().size(); i++) {
                RunResult run = r.runs().get(i);
                j.append(i == 0 ? "\n" : ",\n").append("      {\"policy\": \"").append(run.policy())
                        .append("\", \"firstScaleUpSeconds\": ").append(opt(run.firstScaleUp()))
                        .append(", \"sufficientCapacitySeconds\": ").append(opt(run.sufficientCapacity()))
                        .append(", \"timeLagP50\": ").append(num(run.p50()))
                        .append(", \"timeLagP99\": ").append(num(run.p99()))
                        .append(", \"timeLagMax\": ").append(num(run.maxTimeLag()))
                        .append(", \"violationSeconds\": ").append(num(run.violationSeconds()))
                        .append(", \"replicaSeconds\": ").append(num(run.replicaSeconds()))
                        .append(", \"scaleChanges\": ").append(run.scaleChanges())
                        .append(", \"reversals\": ").append(run.reversals())
                        .append(", \"membershipChanges\": ").append(run.membershipChanges())
                        .append(", \"imbalanceWasteReplicaSeconds\": ").append(num(run.imbalanceWaste()))
                        .append(", \"runs\": ").append(run.spread().runs())
                        .append(", \"replicaSecondsMin\": ").append(num(run.spread().replicaSecondsMin()))
                        .append(", \"replicaSecondsMax\": ").append(num(run.spread().replicaSecondsMax()))
                        .append(", \"violationSecondsMax\": ").append(num(run.spread().violationMax()))
                        .append('}');
            }
            j.append("\n    ]}");
        }
        return j.append("\n  ]\n}\n").toString();
    }

    private static double seconds(java.time.Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String opt(OptionalDouble v) {
        return v.isPresent() ? num(v.getAsDouble()) : "null";
    }

    private static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
