package dev.ebb.scaler.loop;

import dev.ebb.scaler.target.ScaleOutcome;

/**
 * How a {@link dev.ebb.scaler.target.ScaleTarget} fails {@code currentReplicas}: carries the same classified failure
 * as a failed scale outcome, so the loop can report "not found" or "forbidden" without knowing the technology.
 */
public final class ScaleTargetException extends RuntimeException {

    private final ScaleOutcome.Failed failure;

    public ScaleTargetException(ScaleOutcome.Failed failure) {
        super(failure.message(), null, false, false);
        this.failure = failure;
    }

    public ScaleOutcome.Failed failure() {
        return failure;
    }
}
