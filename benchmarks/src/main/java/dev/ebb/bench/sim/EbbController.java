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
    private final long stepNanos;
    private final ObservationHistory history;
    private final boolean partitionRounding;
    private final List<String> log = new ArrayList<>();
    private WorkloadState state;
    private int replicas = -1;

    EbbController(String name, PolicySpec spec, SimSettings settings) {
        this(name, spec, settings, Rounding.AS_DECIDED);
    }

    /** What the controller does with the policy's count: the what-if experiment rounds it up to a count that lowers
     *  the busiest member's partition load ({@code --what-if}); it is not part of the standard comparison. */
    enum Rounding { AS_DECIDED, PARTITION_AWARE }

    EbbController(String name, PolicySpec spec, SimSettings settings, Rounding rounding) {
        this.partitionRounding = rounding == Rounding.PARTITION_AWARE;
        this.name = name;
        this.spec = spec.requireValid();
        this.pollSteps = settings.steps(settings.ebbPoll());
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
        // Polls at the middle of each interval: on average a burst starting on a whole second waits half a poll,
        // as the HPA (synced at the middle of its period in the KEDA model) waits half a sync.
        if (model.step() % pollSteps != pollSteps / 2) {
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
        if (partitionRounding) {
            desired = Math.min(spec.maxReplicas(), cheapestWithSameLoad(desired, model.partitions()));
        }
        if (desired != replicas) {
            log.add(String.format(java.util.Locale.ROOT, "%8.1fs %d -> %d: %s", model.now(), replicas,
                    desired, decision.reason()));
            replicas = desired;
            model.requestReplicas(replicas);
        }
    }

    /** The fewest members whose busiest member holds as many partitions as with {@code replicas} members:
     *  on 32 partitions 9 and 10 -> 8, 12-15 -> 11, 17-32 -> 16 or 32. */
    static int cheapestWithSameLoad(int replicas, int partitions) {
        if (replicas <= 0) {
            return replicas;
        }
        int perMember = (partitions + Math.min(replicas, partitions) - 1) / Math.min(replicas, partitions);
        return (partitions + perMember - 1) / perMember;
    }

    @Override
    public List<String> decisions() {
        return List.copyOf(log);
    }
}
