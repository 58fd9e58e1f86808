package dev.ebb.scaler.lag;

import dev.ebb.scaler.lag.GroupReport.Presence;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What one group's description said: whether it exists, its state, how many members it has and which partitions
 * they are assigned (partitions a group owns before it first commits count as its scope too).
 */
record GroupDescription(Presence presence, Optional<String> state, OptionalInt members,
                        Set<TopicPartition> assigned) {

    static final GroupDescription UNKNOWN = new GroupDescription(Presence.UNKNOWN, Optional.empty(),
            OptionalInt.empty(), Set.of());

    static final GroupDescription MISSING = new GroupDescription(Presence.MISSING, Optional.empty(),
            OptionalInt.of(0), Set.of());

    GroupDescription {
        assigned = Set.copyOf(assigned);
    }
}
