package dev.ebb.scaler.local;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One tick of one workload as the live view shows it.
 *
 * @param lag total lag; empty when the group could not be observed
 * @param desiredReplicas what the policy asked for
 * @param currentReplicas what the target has after acting on the decision
 * @param kind the policy's decision kind (e.g. SCALE_UP, HOLD), for colouring
 * @param reason the policy's reason, in words
 * @param outcome what the scale target did: "unchanged", "scaled 1 -> 4", "failed: ..."
 * @param changed whether this tick changed the replica count or failed to (these go to the decision log)
 */
public record LiveSample(Instant at, String workload, OptionalLong lag, OptionalDouble arrivalRate,
                         OptionalDouble consumptionRate, Optional<Duration> timeLag, int desiredReplicas,
                         int currentReplicas, String kind, String reason, String outcome, Change changed) {

    /** Whether a tick belongs in the decision log. */
    public enum Change { NONE, SCALED, FAILED }

    public LiveSample {
        lag = lag == null ? OptionalLong.empty() : lag;
        arrivalRate = arrivalRate == null ? OptionalDouble.empty() : arrivalRate;
        consumptionRate = consumptionRate == null ? OptionalDouble.empty() : consumptionRate;
        timeLag = timeLag == null ? Optional.empty() : timeLag;
        kind = kind == null ? "" : kind;
        reason = reason == null ? "" : reason;
        outcome = outcome == null ? "" : outcome;
        changed = changed == null ? Change.NONE : changed;
    }
}
