package dev.ebb.scaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a workload is active, for activation from the idle count and the cooldown to it (part of the estimate).
 *
 * @param lag the lag that counts for activation: threshold mode KEDA's lag with persistent lag; drain mode Ebb's lag
 *            plus KEDA's 1 per never-committed partition under {@code latest}, so a fresh group with arrivals still
 *            wakes a worker
 * @param active {@code lag} is above {@code activationLagThreshold}
 * @param quietSince since when there has been neither activity lag nor arrivals; empty while busy
 */
record Activity(long lag, boolean active, Optional<Instant> quietSince) {

    static Activity of(PolicySpec spec, Estimate e, WorkloadState state, Instant now) {
        long lag = spec.mode() == Mode.THRESHOLD ? e.keda().lagWithPersistent() : drainLag(spec, e);
        boolean active = lag > spec.activationLagThreshold();
        boolean quiet = !active && !e.arrivalsSeen();
        Optional<Instant> quietSince = quiet ? Optional.of(state.quietSince().orElse(now)) : Optional.empty();
        return new Activity(lag, active, quietSince);
    }

    private static long drainLag(PolicySpec spec, Estimate e) {
        long uncommittedCount = spec.offsetResetPolicy() == OffsetResetPolicy.LATEST
                && !spec.scaleToZeroOnInvalidOffset() ? e.keda().uncommitted() : 0;
        return e.lag() + uncommittedCount;
    }

    /** Quiet for at least the cooldown at {@code now}. */
    boolean cooledDown(PolicySpec spec, Instant now) {
        return quietSince.isPresent() && !Duration.between(quietSince.get(), now).minus(spec.cooldown()).isNegative();
    }
}
