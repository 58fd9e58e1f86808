package dev.ebb.scaler.workload.spec;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;

/**
 * Durations as Kubernetes users write them ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}), the form used in
 * every duration field of the resource.
 */
public final class Durations {

    /** Schema pattern of a duration field. */
    public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

    private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");
    private static final java.util.regex.Pattern WHOLE = java.util.regex.Pattern.compile(PATTERN);

    /** Longest duration any field can hold: 10,000,000 hours, far below an overflow (fields have lower bounds). */
    private static final BigDecimal MAX_MILLIS = BigDecimal.valueOf(10_000_000L * 3_600_000L);

    private Durations() {
    }

    /** Parses a duration, or throws {@link IllegalArgumentException} naming {@code field}, the value and the rule. */
    public static Duration parse(String field, String text) {
        if (text == null || !WHOLE.matcher(text.trim()).matches()) {
            throw new IllegalArgumentException("Invalid value '" + text + "' for " + field
                    + ": must be a duration such as 500ms, 30s, 5m or 1h30m");
        }
        Matcher m = PART.matcher(text.trim());
        BigDecimal millis = BigDecimal.ZERO;
        while (m.find()) {
            BigDecimal amount = new BigDecimal(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
            millis = millis.add(amount.multiply(BigDecimal.valueOf(unit)));
        }
        if (millis.compareTo(MAX_MILLIS) > 0) {
            throw new IllegalArgumentException("Invalid value '" + text + "' for " + field
                    + ": must be at most " + format(Duration.ofMillis(MAX_MILLIS.longValue())));
        }
        return Duration.ofMillis(millis.longValue());
    }

    /** The shortest form {@link #parse} reads back: {@code 90s} → {@code "1m30s"}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long ms = d.toMillis();
        long h = ms / 3_600_000;
        ms %= 3_600_000;
        long m = ms / 60_000;
        ms %= 60_000;
        long s = ms / 1000;
        ms %= 1000;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (s > 0) {
            sb.append(s).append('s');
        }
        if (ms > 0) {
            sb.append(ms).append("ms");
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
