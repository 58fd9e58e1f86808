package dev.ebb.bench.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Runs every policy on one trace in the same model, plus the oracle's plan and its replay. */
final class Simulation {

    /** One trace's outcome: the oracle's plan and one result per policy (the oracle's replay last). */
    record TraceResult(Trace trace, Oracle.Plan plan, List<RunResult> runs) {

        RunResult run(String policy) {
            return runs.stream().filter(r -> r.policy().equals(policy)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no run named " + policy));
        }
    }

    private Simulation() {
    }

    /** The policies compared in every run, in table order. */
    static List<Function<SimSettings, Controller>> policies() {
        List<Function<SimSettings, Controller>> list = new ArrayList<>();
        list.add(KedaHpaController::new);
        list.add(s -> new KedaHpaController("keda-hpa-lag10", KedaHpaController.DEFAULT_LAG_THRESHOLD, s));
        list.addAll(EbbPolicies.controllers());
        return list;
    }

    static TraceResult run(SimSettings settings, Trace trace) {
        return run(settings, trace, policies());
    }

    static TraceResult run(SimSettings settings, Trace trace, List<Function<SimSettings, Controller>> policies) {
        List<RunResult> runs = new ArrayList<>();
        for (Function<SimSettings, Controller> factory : policies) {
            runs.add(runOne(settings, trace, factory.apply(settings)));
        }
        Oracle.Plan plan = Oracle.plan(Oracle.Problem.of(settings, trace));
        runs.add(runOne(settings, trace, new ScheduleController(plan, settings, trace)));
        return new TraceResult(trace, plan, runs);
    }

    static RunResult runOne(SimSettings settings, Trace trace, Controller controller) {
        GroupModel model = new GroupModel(settings, trace);
        for (int i = 0; i < trace.steps(); i++) {
            model.beginStep();
            controller.onStep(model);
            model.advance();
        }
        return RunResult.of(controller.name(), model, trace, settings, controller.decisions());
    }
}
