package dev.ebb.scaler.target;

import java.util.concurrent.CompletionStage;

/**
 * Reads and changes the replica count of a workload. Implementations never block the calling thread.
 */
public interface ScaleTarget {

    /** Current desired replicas of the target (spec.replicas), or a failed stage naming the cause. */
    CompletionStage<Integer> currentReplicas(TargetRef target);

    /** Sets the replica count; {@code reason} is for Events and logs. Completes normally with an outcome. */
    CompletionStage<ScaleOutcome> scale(TargetRef target, int replicas, String reason);
}
