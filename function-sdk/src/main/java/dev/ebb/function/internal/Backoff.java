package dev.ebb.function.internal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries spread out but never collapse to 0. */
public final class Backoff {
  private Backoff() {}

  /**
   * @param retry  1 for the first retry
   * @param random a value in [0, 1)
   */
  public static Duration delay(int retry, Duration base, Duration max, DoubleSupplier random) {
    if (retry < 1) {
      throw new IllegalArgumentException("Invalid value " + retry + " for retry: must be >= 1");
    }
    long baseNanos = base.toNanos();
    long maxNanos = max.toNanos();
    // Shift, but stop before overflowing; the cap applies anyway.
    long exp = retry - 1 >= 62 || baseNanos > (maxNanos >> Math.min(62, retry - 1)) ? maxNanos : baseNanos << (retry - 1);
    long capped = Math.min(exp, maxNanos);
    long half = capped / 2;
    return Duration.ofNanos(capped - half + (long) (random.getAsDouble() * half));
  }
}
