package dev.ebb.scaler.lag;

import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.policy.PartitionLag;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Lag arithmetic, in one place: committed offsets that are missing, records deleted below the committed offset,
 * reset policies and offsets that went backwards all end up here, so every source computes the same numbers.
 *
 * <p>Per partition, with {@code e} the end offset (the last stable offset for {@code read_committed} groups),
 * {@code s} the log-start offset and {@code c} the committed offset:
 * <ul>
 *   <li>committed: {@code lag = e - max(c, s)} — records deleted by retention or {@code deleteRecords} are gone,
 *       no consumer will ever process them, so they are not backlog;</li>
 *   <li>no committed offset: reset {@code latest} → 0 (a new consumer starts at the end), {@code earliest} →
 *       {@code e - s};</li>
 *   <li>never negative: a committed offset beyond the end (topic recreated, unclean leader election) is lag 0.</li>
 * </ul>
 * Pure: imports only {@code java.*} and our own values.
 */
public final class LagCalculator {

    private LagCalculator() {
    }

    /** Lag of one partition of a consumer group. */
    public static long lag(long endOffset, long logStartOffset, OptionalLong committedOffset, OffsetResetPolicy reset) {
        long end = Math.max(0, endOffset);
        long start = Math.min(Math.max(0, logStartOffset), end);
        long position;
        if (committedOffset.isPresent() && committedOffset.getAsLong() >= 0) {
            position = Math.max(committedOffset.getAsLong(), start);
        } else {
            position = reset == OffsetResetPolicy.EARLIEST ? start : end;
        }
        return Math.max(0, end - position);
    }

    /** The partition value of a consumer group, raw offsets and lag together. */
    public static PartitionLag partition(String topic, int partition, long endOffset, long logStartOffset,
                                         OptionalLong committedOffset, OffsetResetPolicy reset) {
        return new PartitionLag(topic, partition, endOffset, logStartOffset, committedOffset,
                lag(endOffset, logStartOffset, committedOffset, reset));
    }

    /**
     * The partition value of any group, consumer or share: {@code position} is the committed offset or the
     * share-partition start offset, and a lag the broker reported itself wins (see {@link #shareLag}).
     */
    public static PartitionLag partition(String topic, int partition, long endOffset, long logStartOffset,
                                         OptionalLong position, Optional<Long> reportedLag, OffsetResetPolicy reset) {
        return new PartitionLag(topic, partition, endOffset, logStartOffset, position,
                shareLag(endOffset, logStartOffset, position, reportedLag, reset));
    }

    /**
     * Backlog of one partition of a share group. The share-partition start offset plays the role of the committed
     * offset (records below it are acknowledged or archived). When the broker reports a lag itself
     * ({@code SharePartitionOffsetInfo.lag()}), that number wins: the start offset it reports can trail the
     * acknowledgements (seen on Kafka 4.4: still 0 after every record was acknowledged).
     *
     * @param startOffset share-partition start offset; empty when the share partition was never initialized
     * @param reportedLag the lag the broker reported, when it did
     */
    public static long shareLag(long endOffset, long logStartOffset, OptionalLong startOffset,
                                Optional<Long> reportedLag, OffsetResetPolicy reset) {
        if (reportedLag.isPresent() && reportedLag.get() >= 0) {
            return reportedLag.get();
        }
        return lag(endOffset, logStartOffset, startOffset, reset);
    }
}
