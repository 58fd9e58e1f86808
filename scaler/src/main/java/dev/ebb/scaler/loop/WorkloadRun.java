package dev.ebb.scaler.loop;

import dev.ebb.scaler.policy.WorkloadState;
import dev.ebb.scaler.workload.Workload;
import java.time.Duration;
import java.time.Instant;

/** Per-workload memory of the loop: the workload as last seen, the policy's memory, the last poll. Only touched on
 *  the loop's context. */
final class WorkloadRun {
    Workload workload;
    WorkloadState state;
    Instant lastPolled;

    WorkloadRun(Workload workload) {
        this.workload = workload;
    }

    boolean due(Instant now, Duration tick) {
        if (lastPolled == null) {
            return true;
        }
        // Half a tick of slack so that timer jitter never makes a 1 s workload skip a 1 s tick.
        Instant next = lastPolled.plus(workload.pollInterval()).minus(tick.dividedBy(2));
        return !now.isBefore(next);
    }
}
