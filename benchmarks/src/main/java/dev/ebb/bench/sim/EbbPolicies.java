package dev.ebb.bench.sim;

import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.PolicySpec;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Ebb's two modes as the simulator runs them: the policy's defaults, plus what an operator states about the workload
 * (the model's settings): max replicas, the per-replica rate as the prior, the cold start plus one group pause as the
 * ready delay, the commit interval, and for drain mode the time-lag SLO. Threshold mode gets KEDA's lagThreshold.
 */
final class EbbPolicies {

    static final String DRAIN = "ebb-drain";
    static final String THRESHOLD = "ebb-threshold";
    static final String DRAIN_PARTITION_AWARE = "ebb-drain-pa";

    private EbbPolicies() {
    }

    static PolicySpec spec(Mode mode, SimSettings s) {
        Duration readyDelay = s.coldStart().plus(s.groupPause());
        PolicySpec.Builder b = PolicySpec.builder()
                .mode(mode)
                .maxReplicas(s.maxReplicas())
                .perReplicaRate(s.perReplicaRate())
                .readyDelay(readyDelay)
                .commitInterval(s.commitInterval());
        if (mode == Mode.DRAIN) {
            b.maxTimeLag(s.slo());
        } else {
            b.lagThreshold(s.kedaLagThreshold());
        }
        return b.build();
    }

    /** The what-if experiment: drain mode whose counts are lowered to the cheapest count with the same
     *  busiest-member partition load (9 or 10 of 32 partitions -> 8), emulated outside the policy. */
    static Function<SimSettings, Controller> partitionAwareDrain() {
        return s -> new EbbController(DRAIN_PARTITION_AWARE, spec(Mode.DRAIN, s), s,
                EbbController.Rounding.PARTITION_AWARE);
    }

    static List<Function<SimSettings, Controller>> controllers() {
        return List.of(
                s -> new EbbController(THRESHOLD, spec(Mode.THRESHOLD, s), s),
                s -> new EbbController(DRAIN, spec(Mode.DRAIN, s), s));
    }
}
