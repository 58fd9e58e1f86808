package dev.ebb.scaler.policy;

import java.time.Duration;

/** Arithmetic the stages share: a tolerance for floating comparisons and rounding a need up to whole replicas. */
final class Numbers {
    static final double EPSILON = 1e-9;

    private Numbers() {
    }

    /** Whole replicas for a fractional need: 0 for none, {@code ceil} otherwise (12.0000000001 is 12). */
    static int ceil(double replicas) {
        if (replicas <= EPSILON) {
            return 0;
        }
        double c = Math.ceil(replicas - EPSILON);
        return c >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) c;
    }

    static double seconds(Duration d) {
        return Text.seconds(d);
    }
}
