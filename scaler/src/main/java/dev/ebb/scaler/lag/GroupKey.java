package dev.ebb.scaler.lag;

import dev.ebb.scaler.policy.GroupKind;


/** A group as the cluster knows it: consumer and share groups live in different namespaces of requests. */
record GroupKey(GroupKind kind, String groupId) {

    static GroupKey of(GroupQuery q) {
        return new GroupKey(q.kind(), q.groupId());
    }

    /** How failures and messages name the group: {@code consumer group 'orders'}. */
    String subject() {
        return (kind == GroupKind.SHARE ? "share group '" : "consumer group '") + groupId + "'";
    }
}
