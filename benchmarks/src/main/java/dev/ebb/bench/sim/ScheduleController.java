package dev.ebb.bench.sim;

/**
 * Replays the oracle's schedule in the model: pods start one cold start before the window that needs them, and
 * members stop at the window boundary where the count drops. The model adds noise the oracle did not plan for.
 */
final class ScheduleController implements Controller {

    private final int[] replicas;
    private final int windowSteps;
    private final int coldSteps;
    private final int initial;

    ScheduleController(Oracle.Plan plan, SimSettings settings, Trace trace) {
        this.replicas = plan.replicas().clone();
        this.windowSteps = plan.windowSteps();
        this.coldSteps = settings.steps(settings.coldStart());
        this.initial = trace.initialReplicas();
    }

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public void onStep(GroupModel model) {
        int step = model.step();
        if (step % windowSteps == 0) {
            int k = step / windowSteps;
            if (k < replicas.length && model.members() > replicas[k]) {
                model.stopMembers(model.members() - replicas[k]);
            }
        }
        int upcoming = step + coldSteps;
        if (upcoming % windowSteps == 0) {
            int k = upcoming / windowSteps;
            if (k < replicas.length) {
                int before = k == 0 ? initial : replicas[k - 1];
                if (replicas[k] > before) {
                    model.startPods(replicas[k] - before);
                }
            }
        }
    }
}
