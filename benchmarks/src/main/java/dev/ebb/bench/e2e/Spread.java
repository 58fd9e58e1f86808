package dev.ebb.bench.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The median and the range (min–max) of one measure over several runs. A run without a value (for example no
 * scale-up happened) is counted in {@code missing} and left out of the median.
 */
public record Spread(double median, double min, double max, int count, int missing) {

    public static Spread of(List<Optional<Double>> values) {
        List<Double> present = new ArrayList<>();
        int missing = 0;
        for (Optional<Double> v : values) {
            if (v.isPresent()) {
                present.add(v.get());
            } else {
                missing++;
            }
        }
        if (present.isEmpty()) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0, missing);
        }
        Collections.sort(present);
        int n = present.size();
        double median = n % 2 == 1 ? present.get(n / 2) : (present.get(n / 2 - 1) + present.get(n / 2)) / 2;
        return new Spread(median, present.get(0), present.get(n - 1), n, missing);
    }

    public static Spread ofValues(List<Double> values) {
        return of(values.stream().map(Optional::of).toList());
    }

    public boolean empty() {
        return count == 0;
    }

    /** {@code 1.20 (0.90–1.50)} with the given format per number; {@code none} when no run had a value. */
    public String format(String numberFormat) {
        if (empty()) {
            return "none";
        }
        String text = String.format(Locale.ROOT, numberFormat + " (" + numberFormat + "–" + numberFormat + ")",
                median, min, max);
        return missing > 0 ? text + ", " + missing + " run(s) without" : text;
    }
}
