package dev.ebb.scaler.lag;

import dev.ebb.scaler.lag.GroupQuery.Isolation;
import dev.ebb.scaler.lag.GroupReport.Presence;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What the answers of a poll mean, group by group: pure, no I/O, no clock (the time comes in), no state. Consumer and
 * share groups take the same path: their offsets arrive as {@link GroupOffset}s either way.
 *
 * <ol>
 *   <li>{@link #scope}: the partitions a query covers — its listed topics' partitions, or (no topics listed) every
 *       partition the group committed or was assigned — or why they cannot be known (offsets unreadable, group or
 *       topic does not exist);</li>
 *   <li>{@link #assemble}: each partition's lag from the group's offset, the end offset (last stable offset for
 *       {@code read_committed}) and the log-start offset, by {@link LagCalculator}; a partition whose offsets failed
 *       makes the whole group Unavailable (a partial lag would read as a drop in lag).</li>
 * </ol>
 * Kafka's exception types are read only to classify failures; they come from {@link AdminLagReader} as values.
 */
final class LagAssembler {

    /** How a failure becomes the Unavailable of one subject (the source also notes authentication failures). */
    interface Failures {
        Observation.Unavailable unavailable(Instant at, Throwable failure, String subject);
    }

    private final String bootstrap;
    private final Failures failures;

    LagAssembler(String bootstrap, Failures failures) {
        this.bootstrap = bootstrap;
        this.failures = failures;
    }

    /**
     * What is known about the groups and topics of a poll once the first round trip is back.
     *
     * @param offsets each group's offsets (committed or share-partition start), or the failure reading them
     * @param descriptions each group's description, this poll's or a cached one ({@link GroupDescription#UNKNOWN}
     *                     when none)
     * @param topics each listed topic's partitions, or the failure describing it; a topic absent here is unknown
     *               to the cluster
     */
    record GroupFacts(Map<GroupKey, Outcome<Map<TopicPartition, GroupOffset>>> offsets,
                      Map<GroupKey, GroupDescription> descriptions,
                      Map<String, Outcome<List<Integer>>> topics) {

        GroupDescription description(GroupKey g) {
            return descriptions.getOrDefault(g, GroupDescription.UNKNOWN);
        }

        Outcome<Map<TopicPartition, GroupOffset>> offsets(GroupKey g) {
            Outcome<Map<TopicPartition, GroupOffset>> o = offsets.get(g);
            return o == null ? Outcome.failed(new IllegalStateException("offsets of " + g.subject() + " not read"))
                    : o;
        }
    }

    /** The partitions one query covers (sorted), or why they are unknown. */
    record Scope(List<TopicPartition> partitions, Observation.Unavailable unavailable) {

        static Scope of(Observation.Unavailable unavailable) {
            return new Scope(List.of(), unavailable);
        }
    }

    /** The partition offsets of the second round trip; a partition absent from a map was not read. */
    record PartitionOffsets(Map<TopicPartition, Outcome<Long>> latest, Map<TopicPartition, Outcome<Long>> stable,
                            Map<TopicPartition, Outcome<Long>> logStarts) {

        Map<TopicPartition, Outcome<Long>> ends(GroupQuery q) {
            return q.isolation() == Isolation.READ_COMMITTED ? stable : latest;
        }
    }

    /**
     * One group's result: either its partitions' lag or why it is unavailable, with what the cache must forget.
     *
     * @param unknownTopics topics the broker no longer knows (deleted): their cached partition lists are wrong
     * @param backwards partitions whose end is below the cached log start (topic recreated): re-read the start
     */
    record Assembled(GroupDescription description, List<PartitionLag> partitions,
                     Observation.Unavailable unavailable, Set<String> unknownTopics,
                     Set<TopicPartition> backwards) {

        static Assembled unavailable(GroupDescription d, Observation.Unavailable why, Set<String> unknownTopics) {
            return new Assembled(d, List.of(), why, unknownTopics, Set.of());
        }
    }

    /** A description answer as the source uses it: a group the coordinator does not know is MISSING, not unknown. */
    static GroupDescription described(Outcome<GroupDescription> answer) {
        if (!answer.failed()) {
            return answer.value();
        }
        return answer.failure() instanceof GroupIdNotFoundException
                ? GroupDescription.MISSING : GroupDescription.UNKNOWN;
    }

    Scope scope(GroupQuery q, GroupFacts facts, Instant now) {
        GroupKey g = GroupKey.of(q);
        GroupDescription d = facts.description(g);
        Outcome<Map<TopicPartition, GroupOffset>> offsets = facts.offsets(g);
        // A group that never committed is fine when its topics are listed: every partition follows the reset policy.
        if (offsets.failed() && !(offsets.failure() instanceof GroupIdNotFoundException && !q.topics().isEmpty())) {
            return Scope.of(failures.unavailable(now, offsets.failure(), g.subject()));
        }
        if (q.topics().isEmpty()) {
            Set<TopicPartition> known = new HashSet<>(d.assigned());
            if (!offsets.failed()) {
                known.addAll(offsets.value().keySet());
            }
            if (known.isEmpty() && d.presence() != Presence.EXISTS) {
                return Scope.of(new Observation.Unavailable(now, "Cannot observe " + g.subject()
                        + " on bootstrap servers " + bootstrap + ": the group does not exist (no members, no "
                        + "committed offsets); list its topics to observe it before it first commits", false));
            }
            return new Scope(sorted(known), null);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : q.topics()) {
            Outcome<List<Integer>> t = facts.topics().get(topic);
            if (t == null || t.failure() instanceof UnknownTopicOrPartitionException) {
                return Scope.of(new Observation.Unavailable(now, "Cannot observe " + g.subject()
                        + " on bootstrap servers " + bootstrap + ": topic '" + topic + "' does not exist", true));
            }
            if (t.failed()) {
                return Scope.of(failures.unavailable(now, t.failure(), g.subject()));
            }
            for (int p : t.value()) {
                partitions.add(new TopicPartition(topic, p));
            }
        }
        return new Scope(sorted(partitions), null);
    }

    Assembled assemble(GroupQuery q, GroupFacts facts, Scope scope, PartitionOffsets offsets, Instant now) {
        GroupKey g = GroupKey.of(q);
        GroupDescription d = facts.description(g);
        if (scope.unavailable() != null) {
            return Assembled.unavailable(d, scope.unavailable(), Set.of());
        }
        Outcome<Map<TopicPartition, GroupOffset>> read = facts.offsets(g);
        Map<TopicPartition, GroupOffset> positions = read.failed() ? Map.of() : read.value();
        Map<TopicPartition, Outcome<Long>> ends = offsets.ends(q);
        List<PartitionLag> partitions = new ArrayList<>(scope.partitions().size());
        Set<TopicPartition> backwards = new HashSet<>();
        for (TopicPartition tp : scope.partitions()) {
            Outcome<Long> end = ends.get(tp);
            Outcome<Long> start = offsets.logStarts().get(tp);
            if (end == null || start == null || end.failed() || start.failed()) {
                Throwable failure = end != null && end.failed() ? end.failure()
                        : start != null && start.failed() ? start.failure()
                        : new IllegalStateException("no offsets for " + tp);
                Set<String> unknown = failure instanceof UnknownTopicOrPartitionException
                        ? Set.of(tp.topic()) : Set.of();
                return Assembled.unavailable(d, failures.unavailable(now, failure,
                        g.subject() + " (partition " + tp + ")"), unknown);
            }
            if (end.value() < start.value()) {
                backwards.add(tp);
            }
            GroupOffset position = positions.getOrDefault(tp, GroupOffset.NONE);
            partitions.add(LagCalculator.partition(tp.topic(), tp.partition(), end.value(), start.value(),
                    position.position(), position.reportedLag(), q.offsetReset()));
        }
        return new Assembled(d, List.copyOf(partitions), null, Set.of(), Set.copyOf(backwards));
    }

    /** Every listed topic of the queries (their partition lists are needed before the second round trip). */
    static Set<String> listedTopics(Collection<GroupQuery> queries) {
        Set<String> topics = new HashSet<>();
        queries.forEach(q -> topics.addAll(q.topics()));
        return topics;
    }

    private static List<TopicPartition> sorted(Collection<TopicPartition> partitions) {
        List<TopicPartition> list = new ArrayList<>(partitions);
        list.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        return list;
    }
}
