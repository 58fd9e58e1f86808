package dev.ebb.scaler.loop;

import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.target.ScaleOutcome;
import dev.ebb.scaler.workload.ClusterKey;
import dev.ebb.scaler.workload.Workload;
import dev.ebb.scaler.workload.WorkloadId;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the loop tells the rest of the scaler: metrics, Kubernetes status and Events, the local live view. Called on
 * the loop's Vert.x event loop: implementations must not block (hand slow work to their own executor).
 */
public interface DecisionListener {

    /** A workload was observed, decided and (maybe) acted on. */
    default void onDecision(DecisionEvent event) {
    }

    /** A workload's spec is invalid; called when it appears and whenever its problems change. */
    default void onInvalid(WorkloadId id, List<String> problems) {
    }

    /** The target's replicas could not be read (not found, forbidden, API down); nothing was decided. */
    default void onTargetFailure(Workload workload, Observation observation, ScaleOutcome.Failed failure) {
    }

    /** Something else went wrong for one workload (e.g. the policy threw); the others carry on. */
    default void onError(Workload workload, String kind, String message) {
    }

    /** A workload left the catalog; the loop no longer acts on it. */
    default void onRemoved(WorkloadId id) {
    }

    /** One poll of one cluster finished (observe, decide, act for every due workload). */
    default void onPoll(ClusterKey cluster, Duration took, int workloads) {
    }

    static DecisionListener none() {
        return new DecisionListener() {
        };
    }

    /** Tells every listener in order; one that throws never stops the others or the loop. */
    static DecisionListener all(List<? extends DecisionListener> listeners) {
        List<DecisionListener> copy = List.copyOf(listeners);
        Logger log = LoggerFactory.getLogger(DecisionListener.class);
        return new DecisionListener() {
            private void each(java.util.function.Consumer<DecisionListener> call) {
                for (DecisionListener l : copy) {
                    try {
                        call.accept(l);
                    } catch (RuntimeException e) {
                        log.warn("Listener {} failed: {}", l.getClass().getSimpleName(), e.toString());
                    }
                }
            }

            @Override
            public void onDecision(DecisionEvent event) {
                each(l -> l.onDecision(event));
            }

            @Override
            public void onInvalid(WorkloadId id, List<String> problems) {
                each(l -> l.onInvalid(id, problems));
            }

            @Override
            public void onTargetFailure(Workload workload, Observation observation, ScaleOutcome.Failed failure) {
                each(l -> l.onTargetFailure(workload, observation, failure));
            }

            @Override
            public void onError(Workload workload, String kind, String message) {
                each(l -> l.onError(workload, kind, message));
            }

            @Override
            public void onRemoved(WorkloadId id) {
                each(l -> l.onRemoved(id));
            }

            @Override
            public void onPoll(ClusterKey cluster, Duration took, int workloads) {
                each(l -> l.onPoll(cluster, took, workloads));
            }
        };
    }
}
