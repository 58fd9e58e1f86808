package dev.ebb.scaler.policy;

import dev.ebb.scaler.policy.WorkloadState.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The arrival rate: records appended per second to a group's partitions, from the sum of their end offsets at
 * successive polls. The one definition of "arrivals" in Ebb: the policy decides on it, and status, metrics and the live
 * view show the value a {@link Decision} carries in {@link Decision#inputs()}.
 *
 * <p>The estimate is the median of the per-poll rates within the last {@value #WINDOW_SECONDS} s (at least the last
 * poll's). An average over a longer window trails a step for that long: re-deciding on a slowly rising estimate adds
 * replicas poll after poll (each becoming ready at another moment, each pausing the group), and a slowly falling one
 * removes them one by one. A single poll's rate sees a step at once but follows every burst, and a replica that arrives
 * {@code readyDelay} later does nothing for a one-second burst. The median moves in one jump once most polls of the
 * window agree, in both directions, and ignores bursts shorter than half the window.
 *
 * <p>Pure and stateless.
 */
public final class ArrivalEstimator {
    /** Rates of the polls within this many seconds before the newest sample count towards the median. */
    public static final double WINDOW_SECONDS = 5;

    private ArrivalEstimator() {
    }

    /**
     * The median per-poll rate from {@code history} (oldest first) up to {@code latest}; empty when no earlier
     * comparable sample exists (the first observation, or the partition count changed).
     */
    public static OptionalDouble estimate(List<Sample> history, Sample latest) {
        List<Double> rates = new ArrayList<>();
        Sample later = latest;
        for (int i = history.size() - 1; i >= 0; i--) {
            Sample earlier = history.get(i);
            if (!rates.isEmpty()
                    && Numbers.seconds(Duration.between(later.at(), latest.at())) >= WINDOW_SECONDS - Numbers.EPSILON) {
                break;
            }
            OptionalDouble r = rate(earlier, later);
            if (r.isEmpty()) {
                break;
            }
            rates.add(r.getAsDouble());
            later = earlier;
        }
        if (rates.isEmpty()) {
            return OptionalDouble.empty();
        }
        rates.sort(null);
        int n = rates.size();
        double median = n % 2 == 1 ? rates.get(n / 2) : (rates.get(n / 2 - 1) + rates.get(n / 2)) / 2;
        return OptionalDouble.of(median);
    }

    /** Records appended per second between two samples; empty when they are not comparable. */
    public static OptionalDouble rate(Sample from, Sample to) {
        if (from.partitions() != to.partitions() || !to.at().isAfter(from.at())) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.max(0, to.endOffsets() - from.endOffsets())
                / Numbers.seconds(Duration.between(from.at(), to.at())));
    }
}
