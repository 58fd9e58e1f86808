package dev.ebb.scaler.policy;

import java.time.Duration;
import java.util.Locale;

/** Number and duration formatting for reasons and validation messages: short, unit-bearing, locale-free. */
final class Text {
    private Text() {
    }

    /** {@code 30s}, {@code 1.5s}, {@code 5m}, {@code 2h}, {@code 250ms}, {@code -5s}. */
    static String duration(Duration d) {
        if (d == null) {
            return "null";
        }
        long ms = d.toMillis();
        long abs = Math.abs(ms);
        String sign = ms < 0 ? "-" : "";
        if (abs == 0) {
            return "0s";
        }
        if (abs % 3_600_000 == 0) {
            return sign + abs / 3_600_000 + "h";
        }
        if (abs % 60_000 == 0) {
            return sign + abs / 60_000 + "m";
        }
        if (abs % 1000 == 0) {
            return sign + abs / 1000 + "s";
        }
        if (abs < 1000) {
            return sign + abs + "ms";
        }
        return sign + number(abs / 1000.0) + "s";
    }

    /** Integers plainly, others with at most one decimal ({@code 3100}, {@code 820.5}, {@code 0.3}). */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        double rounded = Math.rint(v);
        if (Math.abs(v - rounded) < 0.05 || Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%d", (long) Math.rint(v));
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
