package dev.ebb.bench.sim;

import dev.ebb.scaler.policy.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Runs every policy on one trace in the same model, once per seed (throughput noise and every controller's poll
 * phase are drawn from it), and reports each policy's median; plus the oracle's plan and its replay.
 */
final class Simulation {

    /**
     * One row of the comparison.
     *
     * @param name row name
     * @param controller the controller for one run's settings (the seed decides noise and phases)
     * @param model how this row changes the model (the KIP-848 row runs another protocol); identity for most
     */
    record Row(String name, Function<SimSettings, Controller> controller, UnaryOperator<SimSettings> model) {

        static Row of(String name, Function<SimSettings, Controller> controller) {
            return new Row(name, controller, UnaryOperator.identity());
        }
    }

    /**
     * One trace's outcome: the oracle's plan and one median result per row (the oracle's replay last); for
     * {@code keda-tuned}, the knobs the sweep chose in {@code notes}.
     */
    record TraceResult(Trace trace, Oracle.Plan plan, List<RunResult> runs, Map<String, String> notes) {

        TraceResult(Trace trace, Oracle.Plan plan, List<RunResult> runs) {
            this(trace, plan, runs, Map.of());
        }

        RunResult run(String policy) {
            return runs.stream().filter(r -> r.policy().equals(policy)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no run named " + policy));
        }

        boolean has(String policy) {
            return runs.stream().anyMatch(r -> r.policy().equals(policy));
        }
    }

    static final String KEDA_TUNED = "keda-tuned";
    static final String KIP848 = "ebb-drain-kip848";

    /** The sweep {@code keda-tuned} is the best of, per trace, chosen with hindsight. */
    static final long[] SWEEP_LAG_THRESHOLDS = {1000, 2000, 5000, 10_000, 20_000};
    static final double[] SWEEP_POLLING = {5, 15, 30};
    static final double[] SWEEP_DOWN_WINDOWS = {0, 30, 120, 300};
    /** A configuration is as good as the best at avoiding violation when within this many seconds of it. */
    static final double SWEEP_VIOLATION_SLACK = 1.0;

    private Simulation() {
    }

    /** The rows compared on the named traces, in table order. */
    static List<Row> standardRows() {
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("keda-hpa", KedaHpaController::new));
        rows.add(Row.of(EbbPolicies.THRESHOLD, s -> EbbPolicies.controller(EbbPolicies.THRESHOLD, Mode.THRESHOLD, s)));
        rows.add(Row.of(EbbPolicies.DRAIN, s -> EbbPolicies.controller(EbbPolicies.DRAIN, Mode.DRAIN, s)));
        rows.add(Row.of(EbbPolicies.DRAIN_WINDOW, s -> EbbPolicies.controller(EbbPolicies.DRAIN_WINDOW, Mode.DRAIN,
                s.withEbbScaleDownWindow(EbbPolicies.OLD_DEFAULT_WINDOW))));
        return rows;
    }

    /** Drain mode with wrong priors and another protocol: how much each piece of foreknowledge is worth. */
    static List<Row> sensitivityRows() {
        List<Row> rows = new ArrayList<>();
        rows.add(prior("ebb-drain rate×0.5", s -> s.withEbbPriors(s.ebbPerReplicaRate() * 0.5, s.ebbReadyDelay(),
                s.ebbCommitInterval())));
        rows.add(prior("ebb-drain rate×2", s -> s.withEbbPriors(s.ebbPerReplicaRate() * 2, s.ebbReadyDelay(),
                s.ebbCommitInterval())));
        rows.add(prior("ebb-drain ready−50%", s -> s.withEbbPriors(s.ebbPerReplicaRate(),
                s.ebbReadyDelay().dividedBy(2), s.ebbCommitInterval())));
        rows.add(prior("ebb-drain ready+50%", s -> s.withEbbPriors(s.ebbPerReplicaRate(),
                s.ebbReadyDelay().multipliedBy(3).dividedBy(2), s.ebbCommitInterval())));
        rows.add(prior("ebb-drain commit 0s", s -> s.withEbbPriors(s.ebbPerReplicaRate(), s.ebbReadyDelay(),
                Duration.ZERO)));
        rows.add(prior("ebb-drain commit 15s", s -> s.withEbbPriors(s.ebbPerReplicaRate(), s.ebbReadyDelay(),
                Duration.ofSeconds(15))));
        rows.add(new Row(KIP848, s -> EbbPolicies.controller(KIP848, Mode.DRAIN, s),
                s -> s.withProtocol(SimSettings.Protocol.CONSUMER)));
        return rows;
    }

    private static Row prior(String name, UnaryOperator<SimSettings> priors) {
        return Row.of(name, s -> EbbPolicies.controller(name, Mode.DRAIN, priors.apply(s)));
    }

    /** Seeds of the runs: {@code base, base+1, ...}. */
    static long[] seeds(long base, int runs) {
        long[] seeds = new long[runs];
        for (int i = 0; i < runs; i++) {
            seeds[i] = base + i;
        }
        return seeds;
    }

    /** One run per row (seed of {@code settings}), no sweep: for tests and quick looks. */
    static TraceResult run(SimSettings settings, Trace trace, List<Function<SimSettings, Controller>> policies) {
        List<Row> rows = new ArrayList<>();
        for (Function<SimSettings, Controller> f : policies) {
            rows.add(Row.of(f.apply(settings).name(), f));
        }
        return run(settings, trace, rows, new long[] {settings.seed()}, false, 1);
    }

    static TraceResult run(SimSettings settings, Trace trace, List<Row> rows, long[] seeds, boolean sweep,
                           int sweepSeeds) {
        List<RunResult> runs = new ArrayList<>();
        Map<String, String> notes = new LinkedHashMap<>();
        for (Row row : rows) {
            runs.add(median(row, settings, trace, seeds));
        }
        if (sweep) {
            KedaSettings best = sweep(settings, trace, java.util.Arrays.copyOf(seeds, Math.min(seeds.length,
                    sweepSeeds)));
            KedaSettings tuned = best.named(KEDA_TUNED);
            runs.add(1, median(Row.of(KEDA_TUNED, s -> new KedaHpaController(tuned, s)), settings, trace, seeds));
            notes.put(KEDA_TUNED, tuned.knobs());
        }
        Oracle.Plan plan = Oracle.plan(Oracle.Problem.of(settings, trace));
        runs.add(median(Row.of("oracle", s -> new ScheduleController(plan, s, trace)), settings, trace, seeds));
        if (!plan.sloReachable() && trace.burstStart().isPresent()) {
            runs.add(median(Row.of(ScheduleController.LATE, s -> ScheduleController.late(plan, s, trace)), settings,
                    trace, seeds));
        }
        return new TraceResult(trace, plan, runs, notes);
    }

    /** The best KEDA configuration of the sweep on this trace, with hindsight: the least median replica-seconds
     *  among the configurations whose median violation is within {@link #SWEEP_VIOLATION_SLACK} of the least. */
    static KedaSettings sweep(SimSettings settings, Trace trace, long[] seeds) {
        List<KedaSettings> configs = new ArrayList<>();
        KedaSettings base = KedaSettings.defaults(settings.kedaLagThreshold());
        for (long threshold : SWEEP_LAG_THRESHOLDS) {
            for (double polling : SWEEP_POLLING) {
                for (double window : SWEEP_DOWN_WINDOWS) {
                    configs.add(base.tuned(threshold, polling, window));
                }
            }
        }
        List<RunResult> results = new ArrayList<>();
        double least = Double.POSITIVE_INFINITY;
        for (KedaSettings k : configs) {
            RunResult r = median(Row.of(k.name(), s -> new KedaHpaController(k, s)), settings, trace, seeds);
            results.add(r);
            least = Math.min(least, r.violationSeconds());
        }
        int best = -1;
        for (int i = 0; i < configs.size(); i++) {
            RunResult r = results.get(i);
            if (r.violationSeconds() <= least + SWEEP_VIOLATION_SLACK
                    && (best < 0 || r.replicaSeconds() < results.get(best).replicaSeconds())) {
                best = i;
            }
        }
        return configs.get(best);
    }

    static RunResult median(Row row, SimSettings settings, Trace trace, long[] seeds) {
        return median(row, settings, trace, seeds, GroupModel.Consumption.CONSUMER_GROUP);
    }

    static RunResult median(Row row, SimSettings settings, Trace trace, long[] seeds,
                            GroupModel.Consumption consumption) {
        List<RunResult> runs = new ArrayList<>();
        for (long seed : seeds) {
            SimSettings s = row.model().apply(settings.withSeed(seed));
            RunResult r = runOne(s, trace, row.controller().apply(s), consumption);
            runs.add(r.named(row.name()));
        }
        return RunResult.median(runs);
    }

    static RunResult runOne(SimSettings settings, Trace trace, Controller controller) {
        return runOne(settings, trace, controller, GroupModel.Consumption.CONSUMER_GROUP);
    }

    static RunResult runOne(SimSettings settings, Trace trace, Controller controller,
                            GroupModel.Consumption consumption) {
        GroupModel model = new GroupModel(settings, trace, consumption);
        for (int i = 0; i < trace.steps(); i++) {
            model.beginStep();
            controller.onStep(model);
            model.advance();
        }
        return RunResult.of(controller.name(), model, trace, settings, controller.decisions());
    }
}
