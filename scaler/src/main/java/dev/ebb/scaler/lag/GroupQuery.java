package dev.ebb.scaler.lag;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.OffsetResetPolicy;
import java.util.List;

/**
 * Which group to observe and how to read its lag. The group's kind and offset-reset policy are the policy's own types
 * ({@link GroupKind}, {@link OffsetResetPolicy}): each is defined once.
 *
 * @param groupId consumer group or share group id
 * @param topics topics to count; empty means every topic the group has committed offsets for
 * @param kind classic/consumer group or share group
 * @param isolation {@code read_committed} uses the last stable offset as the end
 * @param offsetReset lag of a partition without a committed offset: latest → 0, earliest → end − logStart
 */
public record GroupQuery(String groupId, List<String> topics, GroupKind kind, Isolation isolation,
                         OffsetResetPolicy offsetReset) {
    public GroupQuery {
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("Invalid value '" + groupId + "' for groupId: must not be blank");
        }
        topics = topics == null ? List.of() : List.copyOf(topics);
        kind = kind == null ? GroupKind.CONSUMER : kind;
        isolation = isolation == null ? Isolation.READ_UNCOMMITTED : isolation;
        offsetReset = offsetReset == null ? OffsetResetPolicy.LATEST : offsetReset;
    }

    public static GroupQuery consumerGroup(String groupId, List<String> topics) {
        return new GroupQuery(groupId, topics, GroupKind.CONSUMER, Isolation.READ_UNCOMMITTED, OffsetResetPolicy.LATEST);
    }

    public enum Isolation { READ_UNCOMMITTED, READ_COMMITTED }
}
