package dev.ebb.bench.sim;

import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.lag.ObservationHistory;
import dev.ebb.scaler.policy.Decision;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.policy.ScalingPolicy;
import dev.ebb.scaler.policy.WorkloadState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Ebb's control loop over the model, with the live scaler's own pieces: every poll it reads end and committed offsets
 * of every partition, turns them into an observation with the live lag source's {@link ObservationHistory} (rates
 * from successive polls, time lag by interpolating the end-offset history), asks {@link ScalingPolicy#decide} and
 * patches the replica count when the decision changed it. The patch is visible at once as the target's replica count
 * (as a Deployment's spec is); the pods follow after the actuation delay.
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
    private WorkloadState state;
    private int replicas = -1;

    EbbController(String name, PolicySpec spec, SimSettings settings) {
        this.name = name;
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
            state = WorkloadState.initial(replicas);
        }
        if (model.step() % pollSteps != pollPhase) {
            return;
        }
        Instant now = EPOCH.plusNanos(model.step() * stepNanos);
        List<PartitionLag> partitions = new ArrayList<>(model.partitions());
        for (int p = 0; p < model.partitions(); p++) {
            long end = model.endOffset(p);
            long committed = model.committedOffset(p);
            partitions.add(new PartitionLag(TOPIC, p, end, 0, OptionalLong.of(committed), Math.max(0, end - committed)));
        }
        Observation.Lag observation = history.record(now, partitions, OptionalInt.of(model.members()));
        Decision decision = ScalingPolicy.decide(spec, observation, state.withCurrentReplicas(replicas), now);
        state = decision.next();
        int desired = decision.desiredReplicas();
        if (desired != replicas) {
            log.add(String.format(java.util.Locale.ROOT, "%8.1fs %d -> %d: %s", model.now(), replicas,
                    desired, decision.reason()));
            replicas = desired;
            model.requestReplicas(replicas);
        }
    }

    @Override
    public List<String> decisions() {
        return List.copyOf(log);
    }
}
