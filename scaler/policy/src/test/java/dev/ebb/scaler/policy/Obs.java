package dev.ebb.scaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Builds observations for policy tests. Offsets are consistent with the arrival rate: the end offsets grow by
 * {@code arrivals} per second from a fixed base, so successive observations of one workload agree with their rates.
 */
final class Obs {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final long BASE = 1_000_000;

    private final double at;
    private int partitions = 8;
    private long[] lags;
    private long totalLag;
    private double arrivals;
    private boolean arrivalsKnown = true;
    private Optional<Duration> timeLag = Optional.empty();
    private OptionalInt members = OptionalInt.empty();
    private int uncommitted;
    private long endTotal = -1;

    private Obs(double at) {
        this.at = at;
    }

    static Obs at(double seconds) {
        return new Obs(seconds);
    }

    static Instant t(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    static Observation.Unavailable unavailable(double seconds) {
        return new Observation.Unavailable(t(seconds), "group orders at localhost:9092: timeout", true);
    }

    Obs partitions(int n) {
        this.partitions = n;
        return this;
    }

    Obs lag(long total) {
        this.totalLag = total;
        return this;
    }

    /** Per-partition lags; sets the partition count. */
    Obs lags(long... perPartition) {
        this.lags = perPartition.clone();
        this.partitions = perPartition.length;
        return this;
    }

    Obs arrivals(double perSecond) {
        this.arrivals = perSecond;
        return this;
    }

    /** The observer has no arrival rate yet (first poll). */
    Obs noRates() {
        this.arrivalsKnown = false;
        return this;
    }

    Obs timeLag(double seconds) {
        this.timeLag = Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
        return this;
    }

    Obs members(int n) {
        this.members = OptionalInt.of(n);
        return this;
    }

    /** The first {@code n} partitions have no committed offset (their lag is 0 by Ebb's latest rule). */
    Obs uncommitted(int n) {
        this.uncommitted = n;
        return this;
    }

    /** Sum of end offsets over all partitions (default: grows with the arrival rate over time). */
    Obs endTotal(long total) {
        this.endTotal = total;
        return this;
    }

    double time() {
        return at;
    }

    double arrivalRate() {
        return arrivals;
    }

    boolean hasEndTotal() {
        return endTotal >= 0;
    }

    Observation.Lag build() {
        long[] perPartition = lags != null ? lags : spread(totalLag, partitions);
        long end = endTotal >= 0 ? endTotal : BASE + Math.round(arrivals * at);
        long[] ends = spread(end, partitions);
        List<PartitionLag> list = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            if (p < uncommitted) {
                list.add(new PartitionLag("orders", p, ends[p], 0, OptionalLong.empty(), 0));
            } else {
                long lag = Math.min(perPartition[p], ends[p]);
                list.add(new PartitionLag("orders", p, ends[p], 0, OptionalLong.of(ends[p] - lag), lag));
            }
        }
        return new Observation.Lag(t(at), list, arrivalsKnown ? OptionalDouble.of(arrivals) : OptionalDouble.empty(),
                OptionalDouble.empty(), timeLag, members);
    }

    private static long[] spread(long total, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = total / n + (i < total % n ? 1 : 0);
        }
        return out;
    }
}
