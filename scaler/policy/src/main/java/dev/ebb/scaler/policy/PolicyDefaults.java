package dev.ebb.scaler.policy;

import java.time.Duration;

/**
 * The one declaration of every policy default and bound, in the spelling a user writes. {@link PolicySpec} reads them
 * (and so local mode and the simulator), the CRD's {@code @Default} annotations name these constants (so the schema
 * the API server defaults with is generated from them), and a test compares both and POLICY.md's table.
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
    /** The default ready delay: hold an idle replica no longer than it takes to get one back (ski rental). */
    public static final String SCALE_DOWN_WINDOW = "10s";
    public static final String TOLERANCE = "0.1";
    public static final String READY_DELAY = "10s";
    public static final String REBALANCE_GRACE = "30s";
    public static final String COMMIT_INTERVAL = "5s";
    public static final String STALE_AFTER = "1m";
    public static final String FALLBACK_FAILURE_THRESHOLD = "3";
    public static final String FALLBACK_BEHAVIOR = "static";
    public static final String OFFSET_RESET_POLICY = "latest";
    public static final String FALSE = "false";

    /** Upper bound of every policy duration: a day; longer ones are refused where the spec enters. */
    public static final String MAX_DURATION = "24h";

    private PolicyDefaults() {
    }

    /** {@code 30s}, {@code 5m}, {@code 24h}, {@code 500ms}: the forms used above. */
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

    static int integer(String text) {
        return Integer.parseInt(text);
    }

    static double decimal(String text) {
        return Double.parseDouble(text);
    }
}
