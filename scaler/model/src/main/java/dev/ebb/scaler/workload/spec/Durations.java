package dev.ebb.scaler.workload.spec;

import java.time.Duration;

/**
 * The resource's duration fields read with Ebb's one grammar, {@link dev.ebb.common.Durations} (Go/Kubernetes style:
 * {@code 500ms}, {@code 1.5s}, {@code 1h30m}); the SDK's environment and every CLI flag read the same. This class
 * only forwards, so callers in the scaler keep one import; it holds no grammar of its own.
 */
public final class Durations {

    /** Schema pattern of a duration field: the shared grammar's. */
    public static final String PATTERN = dev.ebb.common.Durations.PATTERN;

    private Durations() {
    }

    /** Parses a duration, or throws {@link IllegalArgumentException} naming {@code field}, the value and the rule. */
    public static Duration parse(String field, String text) {
        return dev.ebb.common.Durations.parse(field, text);
    }

    /** The shortest form {@link #parse} reads back: {@code 90s} → {@code "1m30s"}. */
    public static String format(Duration d) {
        return dev.ebb.common.Durations.format(d);
    }
}
