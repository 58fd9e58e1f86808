package dev.ebb.bench.lagpoll;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Polls on a fixed schedule: the i-th poll starts at start + i × period; a poll that overruns its slot is
 * followed at once by the next (counted as an overrun), never by a burst of catch-up polls.
 */
final class Cadence {
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final long periodNanos;
    private final java.util.function.LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long next = Long.MIN_VALUE;
    private int overruns;

    Cadence(Duration period) {
        this(period, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    Cadence(Duration period, java.util.function.LongSupplier nanoTime, Sleeper sleeper) {
        this.periodNanos = period.toNanos();
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** Waits for the next slot; returns the nanoTime the slot starts at. */
    long awaitNext() throws InterruptedException {
        long now = nanoTime.getAsLong();
        if (next == Long.MIN_VALUE) {
            next = now;
        }
        long start;
        if (now < next) {
            sleeper.sleepNanos(next - now);
            start = next;
        } else {
            if (now - next > 1_000_000) {
                overruns++;
            }
            start = now;
        }
        next = start + periodNanos;
        return start;
    }

    int overruns() {
        return overruns;
    }
}
