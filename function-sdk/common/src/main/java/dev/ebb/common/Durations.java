package dev.ebb.common;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of Ebb: the CRD, workload files, command-line flags and the SDK's environment
 * ({@code EBB_COMMIT_INTERVAL=1h30m}) all read durations with this class.
 *
 * <p>The grammar is Go's {@code time.ParseDuration} (what Kubernetes users write: {@code 500ms}, {@code 90s},
 * {@code 1.5s}, {@code 1h30m}) without a sign: one or more {@code <number><unit>} parts, a number being digits with an
 * optional fraction ({@code 1.5}, not {@code .5} or {@code 5.}), a unit one of {@code ns}, {@code us}, {@code ms},
 * {@code s}, {@code m}, {@code h} (ASCII only: Go's {@code µs} is not read); or the bare {@code 0}. No spaces, no
 * ISO-8601 ({@code PT5S}). Unlike Go, a value beyond 2^63 ns (about 292 years) is read (up to {@link Duration}'s
 * longest) so that the field's own bound names the problem ({@code must be <= 24h}). Fractions finer than a
 * nanosecond are dropped, as Go does.
 * Each field adds its own bounds (a policy duration is at most 24h, for example).
 */
public final class Durations {

    /** The grammar in a person's words, for error messages (the class comment has every rule; docs list the units). */
    public static final String GRAMMAR = "a duration such as 500ms, 30s, 5m or 1h30m";

    /**
     * The grammar as a regular expression, for schemas ({@code pattern:} in the CRD). Accepts exactly what
     * {@link #parse} reads, except durations beyond the longest one, which {@link #parse} refuses.
     */
    public static final String PATTERN = "^(0|([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+)$";

    private static final Pattern WHOLE = Pattern.compile(PATTERN);
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|ms|s|m|h)");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** The longest {@link Duration}: each field refuses far less ({@code <= 24h}) with its own message. */
    private static final Duration MAX = Duration.ofSeconds(Long.MAX_VALUE, NANOS_PER_SECOND - 1);
    private static final BigDecimal MAX_NANOS = new BigDecimal(BigInteger.valueOf(Long.MAX_VALUE)
            .multiply(BigInteger.valueOf(NANOS_PER_SECOND)).add(BigInteger.valueOf(NANOS_PER_SECOND - 1)));

    private Durations() {
    }

    /** Parses {@code text}, or throws {@link IllegalArgumentException} naming the value and the grammar. */
    public static Duration parse(String text) {
        return parse(null, text);
    }

    /**
     * Parses {@code text}, or throws {@link IllegalArgumentException} naming {@code field}, the value and the grammar:
     * {@code Invalid value '5 minutes' for drainWithin: must be a duration such as 500ms, ...}.
     *
     * @param field the setting's name as the user wrote it (a YAML path, a flag, an environment variable); may be null
     */
    public static Duration parse(String field, String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException(invalid(field, text) + "must be " + GRAMMAR);
        }
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        while (m.find()) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            if (nanos.compareTo(MAX_NANOS) > 0) {
                throw new IllegalArgumentException(invalid(field, text) + "must be at most " + format(MAX)
                        + " (" + GRAMMAR + ")");
            }
        }
        BigInteger[] secondsAndNanos = nanos.setScale(0, RoundingMode.DOWN).toBigIntegerExact()
                .divideAndRemainder(BigInteger.valueOf(NANOS_PER_SECOND));
        return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
    }

    /**
     * The shortest text {@link #parse} reads back as {@code d}, in Go's style: {@code 1h30m}, {@code 1m30s},
     * {@code 1.5s}, {@code 500ms}, {@code 0s}. A negative duration (never parsed, but shown in messages) gets a
     * leading {@code -}.
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        BigInteger total = BigInteger.valueOf(d.getSeconds()).multiply(BigInteger.valueOf(NANOS_PER_SECOND))
                .add(BigInteger.valueOf(d.getNano()));
        BigInteger[] secondsAndNanos = total.divideAndRemainder(BigInteger.valueOf(NANOS_PER_SECOND));
        long seconds = secondsAndNanos[0].longValueExact();
        long nanos = secondsAndNanos[1].longValue();
        StringBuilder sb = new StringBuilder();
        if (seconds == 0) {
            // Below a second: the largest unit that leaves a whole part, with a fraction if needed.
            if (nanos >= 1_000_000) {
                return fraction(nanos, 1_000_000) + "ms";
            }
            if (nanos >= 1_000) {
                return fraction(nanos, 1_000) + "us";
            }
            return nanos + "ns";
        }
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (s > 0 || nanos > 0) {
            sb.append(s);
            if (nanos > 0) {
                sb.append(fraction(nanos, NANOS_PER_SECOND).substring(1));
            }
            sb.append('s');
        }
        return sb.toString();
    }

    /** {@code value / unit} written without trailing zeros: 1500000/1000000 → {@code 1.5}. */
    private static String fraction(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> NANOS_PER_SECOND;
            case "m" -> 60 * NANOS_PER_SECOND;
            case "h" -> 3600 * NANOS_PER_SECOND;
            default -> throw new IllegalStateException("unit " + unit + " is in the pattern but not here");
        };
    }

    private static String invalid(String field, String text) {
        String value = text == null ? "null" : "'" + printable(text) + "'";
        return "Invalid value " + value + (field == null ? "" : " for " + field) + ": ";
    }

    /** The value as shown in a message: control characters escaped, long values cut, so a message stays one line. */
    private static String printable(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && i < 64; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return text.length() > 64 ? sb + "..." : sb.toString();
    }
}
