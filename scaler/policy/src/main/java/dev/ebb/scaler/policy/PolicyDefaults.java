package dev.ebb.scaler.policy;

import java.time.Duration;

/**
 * The policy's defaults and bounds as compile-time constants, in the spelling a user writes: the CRD's
 * {@code @Default}/{@code @Max} annotations need constants, so they name these. {@link PolicyField} is the declaration
 * of each setting and refers to these for its default; nothing else reads them. Tests compare the generated CRD and
 * POLICY.md with {@link PolicyField}.
 */
public final class PolicyDefaults {

    public static final String MODE = "drain";
    public static final String MIN_REPLICAS = "0";
    public static final String MAX_REPLICAS = "10";
    public static final String ACTIVATION_LAG_THRESHOLD = "0";
    public static final String LAG_THRESHOLD = "10";
    public static final String DRAIN_WITHIN = "30s";
    public static final String PER_REPLICA_RATE = "100";
    public static final String COOLDOWN = "5m";
    /**
     * Drain mode's scale-down window when unset: the default ready delay, so an idle replica is held no longer than
     * it takes to get one back (ski rental). Drain mode's own guards (SLO budget, no scale-down within a ready delay
     * of the SLO) make a short window safe.
     */
    public static final String SCALE_DOWN_WINDOW_DRAIN = "10s";
    /**
     * Threshold mode's scale-down window when unset: {@code ceil(lag / lagThreshold)} swings with every poll while a
     * backlog drains, and a 10 s window let it shed replicas it needed again seconds later (the simulator's ramp went
     * 321 s over the SLO with 10 s, 0 s with 30 s).
     */
    public static final String SCALE_DOWN_WINDOW_THRESHOLD = "30s";
    /** How the scale-down window's per-mode default is documented (POLICY.md's table). */
    static final String WINDOW_UNSET = "Unset means `" + SCALE_DOWN_WINDOW_DRAIN + "` in drain mode and `"
            + SCALE_DOWN_WINDOW_THRESHOLD + "` in threshold mode, whose lag-per-replica desire swings more while a "
            + "backlog drains.";
    public static final String TOLERANCE = "0.1";
    public static final String READY_DELAY = "10s";
    public static final String REBALANCE_GRACE = "30s";
    public static final String COMMIT_INTERVAL = "5s";
    public static final String STALE_AFTER = "1m";
    public static final String FALLBACK_FAILURE_THRESHOLD = "3";
    public static final String FALLBACK_BEHAVIOR = "static";
    public static final String OFFSET_RESET_POLICY = "latest";
    public static final String GROUP_KIND = "consumer";
    public static final String FALSE = "false";

    /** Upper bound of every policy duration: a day; longer ones would only hide a mistake. */
    public static final String MAX_DURATION = "24h";

    /** Upper bound of every replica count and step: far above any real group, far below an overflow. */
    public static final int REPLICAS_MAX = 10_000;
    /** {@link #REPLICAS_MAX} as text, for {@link PolicyField}'s ranges. */
    public static final String REPLICAS_MAX_TEXT = "" + REPLICAS_MAX;

    private PolicyDefaults() {
    }

    /**
     * {@code 30s}, {@code 5m}, {@code 24h}, {@code 500ms}: the forms used above, only these. The policy imports only
     * {@code java.*}, so it cannot use the shared grammar ({@code dev.ebb.common.Durations}); a test reads every
     * default and bound of {@link PolicyField} with both and requires the same value.
     */
    public static Duration duration(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("Not a default duration: " + text);
        };
    }

}
