package dev.ebb.bench.sim;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * An arrival trace: the records/s produced to the topic in each model step (constant within a step).
 *
 * @param name short name used in file names and tables
 * @param description one line for people
 * @param stepSeconds length of one step
 * @param rates records/s in each step
 * @param initialReplicas ready workers at time 0 (every policy and the oracle start from them, with no backlog)
 * @param burstStart when the load the reaction times are measured against starts (seconds); empty for none
 * @param burstRate the arrival rate the policies must reach capacity for after {@code burstStart}
 */
public record Trace(String name, String description, double stepSeconds, double[] rates, int initialReplicas,
                    OptionalDouble burstStart, double burstRate) {

    public Trace {
        if (rates.length == 0) {
            throw new IllegalArgumentException("Invalid trace '" + name + "': must have at least one step");
        }
        for (int i = 0; i < rates.length; i++) {
            if (!(rates[i] >= 0) || Double.isInfinite(rates[i])) {
                throw new IllegalArgumentException("Invalid value " + rates[i] + " for records_per_second at "
                        + (i * stepSeconds) + "s of trace '" + name + "': must be >= 0 and finite");
            }
        }
        if (initialReplicas < 0) {
            throw new IllegalArgumentException("Invalid value " + initialReplicas + " for initialReplicas: must be >= 0");
        }
        rates = rates.clone();
    }

    public int steps() {
        return rates.length;
    }

    public double durationSeconds() {
        return rates.length * stepSeconds;
    }

    /** Cumulative arrivals at the start of every step, {@code steps() + 1} values (the last is the total). */
    public double[] cumulative() {
        double[] a = new double[rates.length + 1];
        for (int i = 0; i < rates.length; i++) {
            a[i + 1] = a[i] + rates[i] * stepSeconds;
        }
        return a;
    }

    public double totalRecords() {
        double sum = 0;
        for (double r : rates) {
            sum += r * stepSeconds;
        }
        return sum;
    }

    public double peakRate() {
        return Arrays.stream(rates).max().orElse(0);
    }

    /**
     * When the record at cumulative position {@code position} arrived, by linear interpolation within its step:
     * the earliest time at which more than {@code position} records had arrived. {@code +infinity} if never.
     */
    static double arrivalTime(double[] cumulative, double stepSeconds, double position) {
        return arrivalTime(cumulative, stepSeconds, position, 0, cumulative.length - 1);
    }

    /** As {@link #arrivalTime(double[], double, double)}, searching only indices {@code from..to} (the caller knows
     *  the answer lies there). */
    static double arrivalTime(double[] cumulative, double stepSeconds, double position, int from, int to) {
        int n = cumulative.length - 1;
        if (position >= cumulative[n]) {
            return Double.POSITIVE_INFINITY;
        }
        // first index i with cumulative[i] > position; the record arrived during step i-1
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > position) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if (lo == 0) {
            return 0;
        }
        int step = lo - 1;
        double inStep = cumulative[lo] - cumulative[step];
        double fraction = inStep <= 0 ? 0 : (position - cumulative[step]) / inStep;
        return (step + fraction) * stepSeconds;
    }

    /** Cumulative arrivals at time {@code t} seconds (linear within a step; 0 before 0, the total after the end). */
    static double cumulativeAt(double[] cumulative, double stepSeconds, double t) {
        if (t <= 0) {
            return 0;
        }
        double x = t / stepSeconds;
        int i = (int) Math.floor(x + 1e-9);
        int n = cumulative.length - 1;
        if (i >= n) {
            return cumulative[n];
        }
        double fraction = Math.max(0, x - i);
        return cumulative[i] + (cumulative[i + 1] - cumulative[i]) * fraction;
    }
}
