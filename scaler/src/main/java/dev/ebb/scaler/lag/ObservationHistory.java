package dev.ebb.scaler.lag;

import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Recent offsets of one group, and what they say about rates and time lag.
 *
 * <p>A bounded ring of samples, one per successful poll: per partition the end offset, and the committed offset while
 * the sample is inside the rate window (the only place it is read). The consumed position ({@code end - lag}) is read
 * from the newest poll only, so no sample keeps it. (With 3,000 groups of 10 partitions and 60 samples each, keeping
 * all three per sample held about 60 MB; this layout keeps the same answers in about 35 MB.) From it:
 * <ul>
 *   <li><b>arrival rate</b>: end-offset increases per second over the rate window;</li>
 *   <li><b>consumption rate</b>: committed-offset increases per second over the rate window. An offset that went
 *       backwards (reset, topic recreated) counts as 0 for that interval, like a Prometheus counter reset;</li>
 *   <li><b>time lag</b>: the age of the oldest unconsumed record, per partition, by finding when the end offset
 *       passed the consumed position — interpolating linearly between the two samples around it, or extrapolating
 *       with the history's average arrival rate when the position is older than the history (as kafka-lag-exporter
 *       does). The group's time lag is the maximum over partitions; it is unknown while fewer than two samples
 *       exist, or when a lagging partition's position is older than a history without arrivals.</li>
 * </ul>
 * Pure and not thread-safe: the caller passes the time in, and owns one instance per group.
 */
public final class ObservationHistory {

    private final int capacity;
    private final Duration rateWindow;
    private final ArrayDeque<Sample> samples;

    /**
     * @param capacity most samples kept (bounds memory and how far back time lag can interpolate)
     * @param rateWindow rates are averaged over the samples of this window (at least the last two samples)
     */
    public ObservationHistory(int capacity, Duration rateWindow) {
        if (capacity < 2) {
            throw new IllegalArgumentException("Invalid value " + capacity + " for historyCapacity: must be >= 2");
        }
        if (rateWindow == null || rateWindow.isNegative() || rateWindow.isZero()) {
            throw new IllegalArgumentException("Invalid value " + rateWindow + " for rateWindow: must be > 0");
        }
        this.capacity = capacity;
        this.rateWindow = rateWindow;
        this.samples = new ArrayDeque<>(capacity);
    }

    /**
     * Adds the partitions of one poll to the history and returns the observation with rates and time lag.
     * A sample older than the newest one is ignored for the history (clocks should not go backwards).
     */
    public Observation.Lag record(Instant at, List<PartitionLag> partitions, OptionalInt members) {
        Sample sample = Sample.of(at, partitions, samples.peekLast());
        Sample last = samples.peekLast();
        if (last == null || at.isAfter(last.at)) {
            if (last != null && last.endWentBackwards(sample)) {
                // Topic recreated or truncated: old end offsets say nothing about the new log.
                samples.clear();
            }
            if (samples.size() == capacity) {
                samples.removeFirst();
            }
            samples.addLast(sample);
            dropCommittedOutsideTheRateWindow();
        }
        return new Observation.Lag(at, partitions, arrivalRate(), consumptionRate(),
                timeLag(sample, positions(partitions)), members);
    }

    /** Long values this history holds (end and committed offsets), for tests of its bound. */
    int retainedOffsets() {
        int n = 0;
        for (Sample s : samples) {
            n += s.ends.length + (s.committed == null ? 0 : s.committed.length);
        }
        return n;
    }

    /**
     * Forgets the committed offsets that {@link #rate} can no longer read: those of samples older than the rate
     * window of the newest sample, except the two newest (a rate always uses at least one interval). Samples only get
     * older, so a sample that lost them never needs them again.
     */
    private void dropCommittedOutsideTheRateWindow() {
        if (samples.size() < 3) {
            return;
        }
        Instant windowStart = samples.peekLast().at.minus(rateWindow);
        Iterator<Sample> backwards = samples.descendingIterator();
        backwards.next();
        backwards.next();
        while (backwards.hasNext()) {
            Sample s = backwards.next();
            if (s.at.isBefore(windowStart)) {
                if (s.committed == null) {
                    return;
                }
                s.committed = null;
            }
        }
    }

    private static long[] positions(List<PartitionLag> partitions) {
        long[] positions = new long[partitions.size()];
        for (int i = 0; i < positions.length; i++) {
            PartitionLag p = partitions.get(i);
            positions[i] = p.endOffset() - p.lag();
        }
        return positions;
    }

    public int size() {
        return samples.size();
    }

    public void clear() {
        samples.clear();
    }

    /** When the newest sample was taken; empty when there is none. */
    public Optional<Instant> lastSampleAt() {
        Sample last = samples.peekLast();
        return last == null ? Optional.empty() : Optional.of(last.at);
    }

    /** Records/s appended to the group's partitions over the rate window; empty with fewer than two samples. */
    public OptionalDouble arrivalRate() {
        return rate(Series.END);
    }

    /** Records/s committed by the group over the rate window; empty with fewer than two samples. */
    public OptionalDouble consumptionRate() {
        return rate(Series.COMMITTED);
    }

    private OptionalDouble rate(Series series) {
        if (samples.size() < 2) {
            return OptionalDouble.empty();
        }
        Sample newest = samples.peekLast();
        Instant windowStart = newest.at.minus(rateWindow);
        Iterator<Sample> backwards = samples.descendingIterator();
        Sample later = backwards.next();
        double increase = 0;
        Sample earliest = later;
        while (backwards.hasNext()) {
            Sample earlier = backwards.next();
            // Always use at least one interval; then only intervals that start inside the window.
            if (earliest != newest && earlier.at.isBefore(windowStart)) {
                break;
            }
            increase += later.increaseSince(earlier, series);
            earliest = earlier;
            later = earlier;
        }
        double seconds = Duration.between(earliest.at, newest.at).toNanos() / 1e9;
        return seconds <= 0 ? OptionalDouble.empty() : OptionalDouble.of(increase / seconds);
    }

    /** @param positions the consumed position of each partition of {@code current}, at the same index */
    private Optional<Duration> timeLag(Sample current, long[] positions) {
        if (samples.size() < 2) {
            return Optional.empty();
        }
        Duration max = Duration.ZERO;
        for (int i = 0; i < current.keys.length; i++) {
            long position = positions[i];
            if (position >= current.ends[i]) {
                continue;
            }
            Optional<Instant> appended = whenEndPassed(current.keySet, i, position);
            if (appended.isEmpty()) {
                return Optional.empty();
            }
            Duration age = Duration.between(appended.get(), current.at);
            if (age.isNegative()) {
                age = Duration.ZERO;
            }
            if (age.compareTo(max) > 0) {
                max = age;
            }
        }
        return Optional.of(max);
    }

    /**
     * Estimated time at which the end offset of partition {@code i} of {@code keys} passed {@code position}. Samples
     * that share the key set (the partitions did not change) are read at the same index without a lookup.
     */
    private Optional<Instant> whenEndPassed(Keys keys, int i, long position) {
        PartitionKey key = keys.keys[i];
        Sample previous = null;
        long previousEnd = 0;
        Sample oldest = null;
        long oldestEnd = 0;
        Sample newest = null;
        long newestEnd = 0;
        for (Sample s : samples) {
            int index = s.keySet == keys ? i : s.indexOf(key);
            if (index < 0) {
                continue;
            }
            long end = s.ends[index];
            if (oldest == null) {
                oldest = s;
                oldestEnd = end;
            }
            if (previous != null && previousEnd <= position && position < end) {
                return Optional.of(interpolate(previous.at, previousEnd, s.at, end, position));
            }
            previous = s;
            previousEnd = end;
            newest = s;
            newestEnd = end;
        }
        if (oldest == null || oldest == newest || position >= oldestEnd || newestEnd <= oldestEnd) {
            // Position at or above every end we saw (interpolation found nothing), or no arrivals to extrapolate.
            return Optional.empty();
        }
        return Optional.of(interpolate(oldest.at, oldestEnd, newest.at, newestEnd, position));
    }

    private static Instant interpolate(Instant t1, long o1, Instant t2, long o2, long offset) {
        double fraction = (double) (offset - o1) / (double) (o2 - o1);
        long nanos = Duration.between(t1, t2).toNanos();
        return t1.plusNanos(Math.round(fraction * nanos));
    }

    private enum Series { END, COMMITTED }

    private record PartitionKey(String topic, int partition) {
    }

    /** The partitions of a sample, shared by consecutive samples while the partition set does not change. */
    private static final class Keys {
        final PartitionKey[] keys;
        private Map<PartitionKey, Integer> index;

        Keys(PartitionKey[] keys) {
            this.keys = keys;
        }

        int indexOf(PartitionKey key) {
            if (index == null) {
                index = new HashMap<>(keys.length * 2);
                for (int i = 0; i < keys.length; i++) {
                    index.put(keys[i], i);
                }
            }
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
    }

    /** One poll, as parallel arrays. */
    private static final class Sample {
        static final long NO_COMMIT = Long.MIN_VALUE;

        final Instant at;
        final Keys keySet;
        final PartitionKey[] keys;
        final long[] ends;
        /** Null once the sample left the rate window: nothing reads it any more. */
        long[] committed;

        private Sample(Instant at, Keys keySet, long[] ends, long[] committed) {
            this.at = at;
            this.keySet = keySet;
            this.keys = keySet.keys;
            this.ends = ends;
            this.committed = committed;
        }

        static Sample of(Instant at, List<PartitionLag> partitions, Sample previous) {
            int n = partitions.size();
            PartitionKey[] keys = new PartitionKey[n];
            long[] ends = new long[n];
            long[] committed = new long[n];
            boolean sameKeys = previous != null && previous.keys.length == n;
            for (int i = 0; i < n; i++) {
                PartitionLag p = partitions.get(i);
                ends[i] = p.endOffset();
                committed[i] = p.committedOffset().isPresent() ? p.committedOffset().getAsLong() : NO_COMMIT;
                if (sameKeys && previous.keys[i].partition() == p.partition()
                        && previous.keys[i].topic().equals(p.topic())) {
                    keys[i] = previous.keys[i];
                } else {
                    sameKeys = false;
                    keys[i] = new PartitionKey(p.topic(), p.partition());
                }
            }
            return new Sample(at, sameKeys ? previous.keySet : new Keys(keys), ends, committed);
        }

        int indexOf(PartitionKey key) {
            return keySet.indexOf(key);
        }

        /** Index in this sample of partition {@code otherIndex} of {@code other}, or -1. */
        private int alignedIndex(Sample other, int otherIndex) {
            return other.keySet == keySet ? otherIndex : keySet.indexOf(other.keys[otherIndex]);
        }

        /** Sum of per-partition increases from {@code earlier} to this sample; decreases count as 0. */
        double increaseSince(Sample earlier, Series series) {
            long[] now = series == Series.END ? ends : committed;
            long[] then = series == Series.END ? earlier.ends : earlier.committed;
            double sum = 0;
            for (int i = 0; i < keys.length; i++) {
                int j = earlier.alignedIndex(this, i);
                if (j < 0 || now[i] == NO_COMMIT || then[j] == NO_COMMIT) {
                    continue;
                }
                sum += Math.max(0, now[i] - then[j]);
            }
            return sum;
        }

        boolean endWentBackwards(Sample next) {
            for (int i = 0; i < next.keys.length; i++) {
                int j = alignedIndex(next, i);
                if (j >= 0 && next.ends[i] < ends[j]) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "Sample" + at + Arrays.toString(ends);
        }
    }
}
