package dev.ebb.bench.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The goals for drain mode, checked against one run's results. */
final class Goals {

    static final String DRAIN = "ebb-drain";
    static final String KEDA = "keda-hpa";
    private static final Set<String> STEP_LIKE = Set.of("step", "ramp");
    private static final Set<String> SPIKE_LIKE = Set.of("spike", "bursts");
    /** Gradual load: the first scale-up comes when the need crosses a replica, not from reaction speed. */
    private static final Set<String> GRADUAL = Set.of("ramp", "diurnal");
    static final String KEDA_TUNED = Simulation.KEDA_TUNED;

    enum Verdict { MET, NOT_MET, NOT_APPLICABLE }

    record Check(String trace, String policy, String goal, String measured, Verdict verdict) {
        Check(String trace, String goal, String measured, Verdict verdict) {
            this(trace, "", goal, measured, verdict);
        }
    }

    private Goals() {
    }

    static List<Check> check(List<Simulation.TraceResult> results, SimSettings settings) {
        List<Check> checks = new ArrayList<>();
        for (Simulation.TraceResult result : results) {
            for (String row : List.of(DRAIN)) {
                if (result.has(row)) {
                    check(checks, result, settings, row);
                }
            }
        }
        return checks;
    }

    private static void check(List<Check> out, Simulation.TraceResult result, SimSettings settings, String row) {
        String name = result.trace().name();
        List<Check> checks = new ArrayList<>();
        {
            RunResult drain = result.run(row);
            Oracle.Plan plan = result.plan();
            double oracle = plan.plan().replicaSeconds();
            double ratio = drain.replicaSeconds() / oracle;
            double ratioToBound = drain.replicaSeconds() / plan.lowerBound();
            double limit = STEP_LIKE.contains(name) ? 1.15 : SPIKE_LIKE.contains(name) ? 2.0 : Double.NaN;
            if (!Double.isNaN(limit)) {
                checks.add(new Check(name, "replica-seconds within " + ratio(limit) + "x the oracle's",
                        String.format(Locale.ROOT, "%.3fx the feasible schedule (%.3fx the lower bound)",
                                ratio, ratioToBound),
                        ratio <= limit ? Verdict.MET : Verdict.NOT_MET));
            }
            if (plan.sloReachable()) {
                checks.add(new Check(name, "no seconds of SLO violation (the SLO is reachable)",
                        fmt(drain.violationSeconds()) + " s in violation",
                        drain.violationSeconds() == 0 ? Verdict.MET : Verdict.NOT_MET));
            } else {
                double allowed = plan.plan().violationSeconds() + settings.coldStart().toNanos() / 1e9
                        + settings.ebbPoll().toNanos() / 1e9;
                RunResult replayed = result.run("oracle");
                checks.add(new Check(name, "SLO unreachable: violation <= oracle's + one cold start + one poll ("
                        + fmt(allowed) + " s)",
                        fmt(drain.violationSeconds()) + " s (oracle " + fmt(plan.plan().violationSeconds())
                                + " s fluid, " + fmt(replayed.violationSeconds()) + " s replayed; least possible "
                                + fmt(plan.leastViolation()) + " s)",
                        drain.violationSeconds() <= allowed + 1e-9 ? Verdict.MET : Verdict.NOT_MET));
                if (result.runs().stream().anyMatch(r -> r.policy().equals(ScheduleController.LATE))) {
                    RunResult late = result.run(ScheduleController.LATE);
                    checks.add(new Check(name, "SLO unreachable: violation <= the oracle's schedule shifted to start"
                            + " one poll after the burst, its pods ready one cold start + one poll late ("
                            + fmt(late.violationSeconds()) + " s, measured)",
                            fmt(drain.violationSeconds()) + " s",
                            drain.violationSeconds() <= late.violationSeconds() + 1e-9 ? Verdict.MET
                                    : Verdict.NOT_MET));
                }
            }
            for (String kedaName : List.of(KEDA, KEDA_TUNED)) {
                if (result.runs().stream().noneMatch(r -> r.policy().equals(kedaName))) {
                    continue;
                }
                RunResult keda = result.run(kedaName);
                String which = kedaName.equals(KEDA) ? "KEDA defaults (lagThreshold " + settings.kedaLagThreshold()
                        + ")" : "keda-tuned (" + result.notes().getOrDefault(KEDA_TUNED, "best of the sweep") + ")";
                double fewer = keda.replicaSeconds() / drain.replicaSeconds();
                checks.add(new Check(name, ">= 3x fewer replica-seconds than " + which,
                        String.format(Locale.ROOT, "%.2fx fewer (%s vs %s)", fewer, fmt(drain.replicaSeconds()),
                                fmt(keda.replicaSeconds())),
                        fewer >= 3 ? Verdict.MET : Verdict.NOT_MET));
                if (!kedaName.equals(KEDA)) {
                    continue; // reaction: measured against KEDA's defaults
                }
                String goal = "first reaction >= 20x faster than " + which;
                if (GRADUAL.contains(name)) {
                    checks.add(new Check(name, goal, "gradual load: " + reaction(drain) + " vs " + reaction(keda)
                            + "; set by when the need crosses a replica, not by reaction speed",
                            Verdict.NOT_APPLICABLE));
                } else if (keda.firstScaleUp().isPresent() && drain.firstScaleUp().isPresent()) {
                    double k = keda.firstScaleUp().getAsDouble();
                    double d = drain.firstScaleUp().getAsDouble();
                    double faster = d <= 0 ? Double.POSITIVE_INFINITY : k / d;
                    checks.add(new Check(name, goal,
                            String.format(Locale.ROOT, "%.1fx (%s s vs %s s)", faster, fmt(d), fmt(k)),
                            faster >= 20 ? Verdict.MET : Verdict.NOT_MET));
                } else {
                    checks.add(new Check(name, goal, "no scale-up after the burst start: " + reaction(drain)
                            + " vs " + reaction(keda), Verdict.NOT_APPLICABLE));
                }
            }
        }
        for (Check c : checks) {
            out.add(new Check(c.trace(), row, c.goal(), c.measured(), c.verdict()));
        }
    }

    private static String reaction(RunResult run) {
        return run.firstScaleUp().isPresent() ? fmt(run.firstScaleUp().getAsDouble()) + " s" : "never";
    }

    static String ratio(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt(double v) {
        if (Double.isInfinite(v)) {
            return "inf";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
