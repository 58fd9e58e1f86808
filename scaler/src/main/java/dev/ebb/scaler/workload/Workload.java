package dev.ebb.scaler.workload;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.policy.PolicySpec;
import dev.ebb.scaler.reconcile.Pause;
import dev.ebb.scaler.target.TargetRef;
import java.time.Duration;
import java.util.Map;

/**
 * One valid workload as the loop runs it: what to scale, which group's backlog to watch on which cluster, and the
 * policy. {@code clientConfig} may hold secret values resolved from a Secret: it is passed to the Admin client only
 * and left out of {@link #toString()}.
 *
 * @param cluster the loop (and Admin client) this workload belongs to
 * @param clientConfig Kafka client settings for the Admin client, including {@code bootstrap.servers}
 * @param pollInterval how often the group is observed; a multiple of the loop's tick
 * @param pause whether and how the policy is overridden (annotations, another autoscaler)
 */
public record Workload(WorkloadId id, TargetRef target, ClusterKey cluster, Map<String, Object> clientConfig,
                       GroupQuery group, PolicySpec policy, Duration pollInterval, Pause pause) {

    public Workload {
        clientConfig = Map.copyOf(clientConfig);
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("Invalid value " + pollInterval + " for pollInterval: must be > 0");
        }
        pause = pause == null ? Pause.none() : pause;
    }

    /** A workload the policy fully controls. */
    public Workload(WorkloadId id, TargetRef target, ClusterKey cluster, Map<String, Object> clientConfig,
                    GroupQuery group, PolicySpec policy, Duration pollInterval) {
        this(id, target, cluster, clientConfig, group, policy, pollInterval, Pause.none());
    }

    public Workload withPause(Pause newPause) {
        return new Workload(id, target, cluster, clientConfig, group, policy, pollInterval, newPause);
    }

    @Override
    public String toString() {
        // Never print clientConfig: it may contain SASL passwords or keystore secrets.
        return "Workload[" + id + " -> " + target + ", group " + group.groupId() + " on " + cluster + "]";
    }
}
