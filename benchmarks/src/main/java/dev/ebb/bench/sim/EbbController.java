package dev.ebb.bench.sim;

import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.lag.LagCalculator;
import dev.ebb.scaler.lag.ObservationHistory;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.policy.WorkloadState;
import dev.ebb.scaler.reconcile.Action;
import dev.ebb.scaler.reconcile.Pause;
import dev.ebb.scaler.reconcile.Reconcile;
import dev.ebb.scaler.reconcile.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Ebb's control loop over the model, with the live scaler's own pieces: every poll it reads end and committed offsets
 * of every partition, computes each partition's lag with the live {@link LagCalculator}, turns them into an
 * observation with the live lag source's {@link ObservationHistory} (rates from successive polls, time lag by
 * interpolating the end-offset history), and runs the live loop's {@link Reconcile#step} (policy, then pause and
 * role rules); it patches the replica count when the step's action says {@link Action.Scale}. The patch is visible at
 * once as the target's replica count (as a Deployment's spec is); the pods follow after the actuation delay. The
 * simulated scaler always leads; a pause (as from an annotation) applies as it does live.
 */
final class EbbController implements Controller {

    static final String TOPIC = "events";
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final String name;
    private final PolicySpec spec;
    private final int pollSteps;
    private final int pollPhase;
    private final long stepNanos;
    private final ObservationHistory history;
    private final List<String> log = new ArrayList<>();
    private final Pause pause;
    private WorkloadState state;
    private int replicas = -1;

    EbbController(String name, PolicySpec spec, SimSettings settings) {
        this(name, spec, settings, Pause.none());
    }

    EbbController(String name, PolicySpec spec, SimSettings settings, Pause pause) {
        this.name = name;
        this.pause = pause;
        this.spec = spec.requireValid();
        this.pollSteps = settings.steps(settings.ebbPoll());
        // The poll's phase is drawn per run from the seed, as KEDA's loop and the HPA's sync are.
        this.pollPhase = new java.util.SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + 0x454242L)
                .nextInt(pollSteps);
        this.stepNanos = settings.step().toNanos();
        KafkaAdminLagSource.Settings live = KafkaAdminLagSource.Settings.defaults();
        this.history = new ObservationHistory(live.historyCapacity(), live.rateWindow());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void onStep(GroupModel model) {
        if (replicas < 0) {
            replicas = model.replicas();
        }
        if (model.step() % pollSteps != pollPhase) {
            return;
        }
        Instant now = EPOCH.plusNanos(model.step() * stepNanos);
        List<PartitionLag> partitions = new ArrayList<>(model.partitions());
        for (int p = 0; p < model.partitions(); p++) {
            long end = model.endOffset(p);
            long committed = model.committedOffset(p);
            partitions.add(LagCalculator.partition(TOPIC, p, end, 0, OptionalLong.of(committed),
                    OffsetResetPolicy.EARLIEST));
        }
        Observation.Lag observation = history.record(now, partitions, OptionalInt.of(model.members()));
        Reconcile.Step step = Reconcile.step(spec, observation, state, replicas, pause, Role.LEADER, now);
        state = step.next();
        if (step.action() instanceof Action.Scale scale) {
            log.add(String.format(java.util.Locale.ROOT, "%8.1fs %d -> %d: %s", model.now(), replicas,
                    scale.wanted(), scale.reason()));
            replicas = scale.wanted();
            model.requestReplicas(replicas);
        }
    }

    @Override
    public List<String> decisions() {
        return List.copyOf(log);
    }
}
