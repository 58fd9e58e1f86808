package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.WorkloadState.Awaiting;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The ready delay the policy plans with: the operator's {@code readyDelay}, or longer when the group showed that
 * replicas take longer to join. A scale-up is timed from the decision that asked for it to the first observation
 * whose member count reaches the count it asked for; the last such time is kept ({@link WorkloadState#observedReadyDelay()}).
 * Pure and stateless.
 *
 * <p>Only ever longer than the prior: a prior that is too long costs replica-seconds, one that is too short costs the
 * SLO (drain mode rides the SLO's budget a ready delay below it, so a ready delay half the truth went 3.4 s over the
 * SLO on the simulator's bursts). A member count that overshoots (other consumers in the group) completes a scale-up
 * early, which reads as a shorter delay and so changes nothing. Without a member count from the lag source nothing is
 * learned, and the prior applies.
 */
final class ReadyDelay {
    /** A scale-up not complete after this long is forgotten (pods that never start are not a ready delay). */
    static final Duration GIVE_UP = Duration.ofMinutes(10);

    private ReadyDelay() {
    }

    /** The longer of the prior and the last observed delay. */
    static Duration effective(PolicySpec spec, Optional<Duration> observed) {
        Duration prior = spec.readyDelay();
        return observed.filter(d -> d.compareTo(prior) > 0).orElse(prior);
    }

    /**
     * What an observation with {@code members} at {@code at} tells about the scale-up {@code state} awaits.
     *
     * @return the scale-up still awaited (empty once complete or given up) and the observed delay after it
     */
    static Learned observe(WorkloadState state, OptionalInt members, Instant at) {
        Optional<Awaiting> awaiting = state.awaiting();
        Optional<Duration> observed = state.observedReadyDelay();
        if (awaiting.isEmpty() || members.isEmpty()) {
            return new Learned(awaiting, observed);
        }
        Awaiting a = awaiting.get();
        Duration since = Duration.between(a.askedAt(), at);
        if (members.getAsInt() >= a.members()) {
            return new Learned(Optional.empty(), since.isNegative() ? observed : Optional.of(since));
        }
        if (since.compareTo(GIVE_UP) > 0) {
            return new Learned(Optional.empty(), observed);
        }
        return new Learned(awaiting, observed);
    }

    /** What a count change does to the scale-up awaited: a scale-up awaits its own count, a scale-down below the
     *  awaited count ends the wait (that count will not be reached). */
    static Optional<Awaiting> afterChange(Optional<Awaiting> awaiting, int current, int target, Instant now) {
        if (target > current) {
            return Optional.of(new Awaiting(now, target));
        }
        return awaiting.filter(a -> a.members() <= target);
    }

    /** The scale-up still awaited and the observed ready delay, after an observation. */
    record Learned(Optional<Awaiting> awaiting, Optional<Duration> observed) {
    }
}
