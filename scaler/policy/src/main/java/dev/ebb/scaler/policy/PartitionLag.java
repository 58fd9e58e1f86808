package dev.ebb.scaler.policy;

import java.util.OptionalLong;

/**
 * One partition of a group as observed in one poll. Raw offsets travel with the computed lag so that
 * policies with other lag semantics (KEDA's threshold mode) can derive their own numbers.
 *
 * @param endOffset end offset, or the last stable offset for {@code read_committed} groups
 * @param logStartOffset first offset still in the log (records below it were deleted)
 * @param committedOffset the group's committed offset; empty when the group never committed here
 * @param lag Ebb's lag for this partition ({@code end - max(committed, logStart)}, or by reset policy), never negative
 */
public record PartitionLag(String topic, int partition, long endOffset, long logStartOffset,
                           OptionalLong committedOffset, long lag) {
    public PartitionLag {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("Invalid value '" + topic + "' for topic: must not be blank");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("Invalid value " + partition + " for partition: must be >= 0");
        }
        if (lag < 0) {
            throw new IllegalArgumentException("Invalid value " + lag + " for lag: must be >= 0");
        }
        if (committedOffset == null) {
            committedOffset = OptionalLong.empty();
        }
    }
}
