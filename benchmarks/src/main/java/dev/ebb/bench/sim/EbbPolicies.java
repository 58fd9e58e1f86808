package dev.ebb.bench.sim;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.Mode;
import dev.ebb.scaler.policy.PolicySpec;

/**
 * Ebb's two modes as the simulator runs them: the policy's defaults, plus what an operator states about the workload:
 * max replicas, Ebb's own priors for the per-replica rate, the ready delay and the commit interval (settings of
 * their own, {@code --ebb-*}: changing the model with {@code --per-replica-rate} or {@code --cold-start} does not
 * tell Ebb), and for drain mode the time-lag SLO. Threshold mode gets KEDA's lagThreshold.
 */
final class EbbPolicies {

    static final String DRAIN = "ebb-drain";
    static final String THRESHOLD = "ebb-threshold";
    /** Drain mode with a 30 s scale-down window, the policy's default until 2026-11-30 (now 10 s, the default ready
     *  delay): what the shorter default window buys. */
    static final String DRAIN_WINDOW = "ebb-drain-window30";
    static final java.time.Duration OLD_DEFAULT_WINDOW = java.time.Duration.ofSeconds(30);

    private EbbPolicies() {
    }

    static PolicySpec spec(Mode mode, SimSettings s) {
        return spec(mode, s, GroupKind.CONSUMER);
    }

    /** The spec for a group of this kind: a share group's spec says so, and the policy does not cap at partitions. */
    static PolicySpec spec(Mode mode, SimSettings s, GroupKind kind) {
        PolicySpec.Builder b = PolicySpec.builder()
                .mode(mode)
                .groupKind(kind)
                .maxReplicas(s.maxReplicas())
                .perReplicaRate(s.ebbPerReplicaRate())
                .readyDelay(s.ebbReadyDelay())
                .commitInterval(s.ebbCommitInterval());
        s.ebbScaleDownWindow().ifPresent(b::scaleDownWindow);
        if (mode == Mode.DRAIN) {
            b.maxTimeLag(s.slo());
        } else {
            b.lagThreshold(s.kedaLagThreshold());
        }
        return b.build();
    }

    static Controller controller(String name, Mode mode, SimSettings s) {
        return new EbbController(name, spec(mode, s), s);
    }

    static Controller controller(String name, Mode mode, SimSettings s, GroupKind kind) {
        return new EbbController(name, spec(mode, s, kind), s);
    }
}
