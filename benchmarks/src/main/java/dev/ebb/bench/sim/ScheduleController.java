package dev.ebb.bench.sim;

/**
 * Replays the oracle's schedule in the model: pods start one cold start before the window that needs them, and
 * members stop at the window boundary where the count drops. The model adds noise the oracle did not plan for.
 *
 * <p>{@linkplain #late Late}, it is the same schedule for a controller that cannot see the future: shifted later,
 * whole, so that its first pod starts one poll after the burst begins (one poll to see the burst, then the oracle's
 * counts and timing). Its pods are ready one cold start plus one poll after the burst: the reference for traces
 * whose SLO no schedule meets, measured rather than argued.
 */
final class ScheduleController implements Controller {

    /** The row of the late replay. */
    static final String LATE = "oracle-late";

    private final String name;
    private final int[] replicas;
    private final int windowSteps;
    private final int coldSteps;
    private final int initial;
    private final int delaySteps;

    ScheduleController(Oracle.Plan plan, SimSettings settings, Trace trace) {
        this("oracle", plan, settings, trace, 0);
    }

    private ScheduleController(String name, Oracle.Plan plan, SimSettings settings, Trace trace, int delaySteps) {
        this.name = name;
        this.replicas = plan.replicas().clone();
        this.windowSteps = plan.windowSteps();
        this.coldSteps = settings.steps(settings.coldStart());
        this.initial = trace.initialReplicas();
        this.delaySteps = delaySteps;
    }

    /** The schedule shifted so its first start is one Ebb poll after the trace's burst start (which it must have). */
    static ScheduleController late(Oracle.Plan plan, SimSettings settings, Trace trace) {
        double burst = trace.burstStart().orElseThrow(() -> new IllegalArgumentException(
                "trace " + trace.name() + " has no burst start"));
        int seen = (int) Math.round(burst / settings.stepSeconds()) + settings.steps(settings.ebbPoll());
        int[] r = plan.replicas();
        int cold = settings.steps(settings.coldStart());
        int firstStart = Integer.MAX_VALUE;
        for (int k = 0; k < r.length; k++) {
            int before = k == 0 ? trace.initialReplicas() : r[k - 1];
            if (r[k] > before) {
                firstStart = k * plan.windowSteps() - cold;
                break;
            }
        }
        int delay = firstStart == Integer.MAX_VALUE ? 0 : Math.max(0, seen - firstStart);
        return new ScheduleController(LATE, plan, settings, trace, delay);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void onStep(GroupModel model) {
        int step = model.step() - delaySteps;
        if (step < 0) {
            return;
        }
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
