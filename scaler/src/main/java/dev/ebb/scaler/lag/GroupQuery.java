package dev.ebb.scaler.lag;

import java.util.List;

/**
 * Which group to observe and how to read its lag.
 *
 * @param groupId consumer group or share group id
 * @param topics topics to count; empty means every topic the group has committed offsets for
 * @param kind classic/consumer group or share group
 * @param isolation {@code read_committed} uses the last stable offset as the end
 * @param offsetReset lag of a partition without a committed offset: latest → 0, earliest → end − logStart
 */
public record GroupQuery(String groupId, List<String> topics, GroupKind kind, Isolation isolation,
                         OffsetReset offsetReset) {
    public GroupQuery {
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("Invalid value '" + groupId + "' for groupId: must not be blank");
        }
        topics = topics == null ? List.of() : List.copyOf(topics);
        kind = kind == null ? GroupKind.CONSUMER : kind;
        isolation = isolation == null ? Isolation.READ_UNCOMMITTED : isolation;
        offsetReset = offsetReset == null ? OffsetReset.LATEST : offsetReset;
    }

    public static GroupQuery consumerGroup(String groupId, List<String> topics) {
        return new GroupQuery(groupId, topics, GroupKind.CONSUMER, Isolation.READ_UNCOMMITTED, OffsetReset.LATEST);
    }

    public enum GroupKind { CONSUMER, SHARE }

    public enum Isolation { READ_UNCOMMITTED, READ_COMMITTED }

    public enum OffsetReset { LATEST, EARLIEST }
}
