package dev.ebb.scaler.lag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.lag.GroupQuery.Isolation;
import dev.ebb.scaler.lag.GroupReport.Presence;
import dev.ebb.scaler.lag.LagAssembler.Assembled;
import dev.ebb.scaler.lag.LagAssembler.GroupFacts;
import dev.ebb.scaler.lag.LagAssembler.PartitionOffsets;
import dev.ebb.scaler.lag.LagAssembler.Scope;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** The lag source's assembly, without a broker: answers in, each group's lag or reason out. */
class LagAssemblerTest {

    private static final Instant NOW = Instant.parse("2026-11-30T08:00:00Z");
    private static final LagAssembler ASSEMBLER = new LagAssembler("broker:9092", (at, failure, subject) ->
            AdminFailures.unavailable(at, failure, subject, "broker:9092", Duration.ofSeconds(5)));

    /** The answers of one poll, built up by each test. */
    private final Map<GroupKey, Outcome<Map<TopicPartition, GroupOffset>>> offsets = new HashMap<>();
    private final Map<GroupKey, GroupDescription> descriptions = new HashMap<>();
    private final Map<String, Outcome<List<Integer>>> topics = new HashMap<>();
    private final Map<TopicPartition, Outcome<Long>> latest = new HashMap<>();
    private final Map<TopicPartition, Outcome<Long>> stable = new HashMap<>();
    private final Map<TopicPartition, Outcome<Long>> starts = new HashMap<>();

    private static TopicPartition tp(String topic, int p) {
        return new TopicPartition(topic, p);
    }

    private static GroupQuery query(String group, List<String> topics, GroupKind kind, OffsetResetPolicy reset) {
        return new GroupQuery(group, topics, kind, Isolation.READ_UNCOMMITTED, reset);
    }

    /** A topic whose partition p has end {@code ends[p]} and log start 0. */
    private void topic(String name, long... ends) {
        List<Integer> partitions = new java.util.ArrayList<>();
        for (int p = 0; p < ends.length; p++) {
            partitions.add(p);
            latest.put(tp(name, p), Outcome.of(ends[p]));
            starts.put(tp(name, p), Outcome.of(0L));
        }
        topics.put(name, Outcome.of(partitions));
    }

    private void committed(String group, Map<TopicPartition, Long> commits) {
        Map<TopicPartition, GroupOffset> m = new HashMap<>();
        commits.forEach((tp, c) -> m.put(tp, GroupOffset.committed(c)));
        offsets.put(new GroupKey(GroupKind.CONSUMER, group), Outcome.of(m));
    }

    private Assembled assemble(GroupQuery q) {
        GroupFacts facts = new GroupFacts(offsets, descriptions, topics);
        Scope scope = ASSEMBLER.scope(q, facts, NOW);
        return ASSEMBLER.assemble(q, facts, scope, new PartitionOffsets(latest, stable, starts), NOW);
    }

    private static Map<TopicPartition, PartitionLag> byPartition(Assembled a) {
        Map<TopicPartition, PartitionLag> m = new HashMap<>();
        a.partitions().forEach(p -> m.put(tp(p.topic(), p.partition()), p));
        return m;
    }

    private static long total(Assembled a) {
        return a.partitions().stream().mapToLong(PartitionLag::lag).sum();
    }

    @Test
    void partialCommitsCountEveryPartitionOfTheListedTopic() {
        topic("t", 10, 20, 30, 40);
        committed("g", Map.of(tp("t", 0), 10L, tp("t", 1), 5L, tp("t", 2), 0L));

        Assembled a = assemble(GroupQuery.consumerGroup("g", List.of("t")));

        assertThat(a.unavailable()).isNull();
        assertThat(a.partitions()).extracting(PartitionLag::partition).containsExactly(0, 1, 2, 3);
        assertThat(byPartition(a).get(tp("t", 1)).committedOffset()).hasValue(5);
        assertThat(byPartition(a).get(tp("t", 3)).committedOffset()).isEmpty();
        assertThat(byPartition(a).get(tp("t", 3)).lag()).isZero(); // reset latest
        assertThat(total(a)).isEqualTo(0 + 15 + 30 + 0);
    }

    @Test
    void aGroupThatNeverCommittedFollowsItsResetPolicyWhenItsTopicsAreListed() {
        topic("t", 7, 0, 5);
        starts.put(tp("t", 0), Outcome.of(2L));
        offsets.put(new GroupKey(GroupKind.CONSUMER, "late"), Outcome.failed(new GroupIdNotFoundException("late")));
        offsets.put(new GroupKey(GroupKind.CONSUMER, "early"), Outcome.failed(new GroupIdNotFoundException("early")));

        Assembled late = assemble(query("late", List.of("t"), GroupKind.CONSUMER, OffsetResetPolicy.LATEST));
        Assembled early = assemble(query("early", List.of("t"), GroupKind.CONSUMER, OffsetResetPolicy.EARLIEST));

        assertThat(late.unavailable()).isNull();
        assertThat(total(late)).isZero();
        assertThat(late.partitions()).hasSize(3);
        assertThat(byPartition(early).get(tp("t", 0)).lag()).isEqualTo(5); // 7 - log start 2
        assertThat(total(early)).isEqualTo(5 + 0 + 5);
    }

    @Test
    void recordsDeletedBelowTheCommitAreNotBacklogAndNoLagIsNegative() {
        topic("t", 100, 100, 100);
        starts.put(tp("t", 0), Outcome.of(30L));
        starts.put(tp("t", 1), Outcome.of(80L));
        committed("g", Map.of(tp("t", 0), 60L, tp("t", 1), 60L, tp("t", 2), 150L));

        Map<TopicPartition, PartitionLag> lag = byPartition(assemble(GroupQuery.consumerGroup("g", List.of("t"))));

        assertThat(lag.get(tp("t", 0)).lag()).isEqualTo(40);
        assertThat(lag.get(tp("t", 1)).lag()).isEqualTo(20);
        assertThat(lag.get(tp("t", 1)).logStartOffset()).isEqualTo(80);
        assertThat(lag.get(tp("t", 2)).lag()).isZero(); // committed beyond the end (topic recreated)
    }

    @Test
    void readCommittedGroupsUseTheLastStableOffset() {
        topic("t", 10);
        stable.put(tp("t", 0), Outcome.of(6L));
        committed("g", Map.of(tp("t", 0), 2L));
        GroupQuery rc = new GroupQuery("g", List.of("t"), GroupKind.CONSUMER, Isolation.READ_COMMITTED,
                OffsetResetPolicy.LATEST);

        Assembled a = assemble(rc);

        assertThat(a.partitions()).singleElement().satisfies(p -> {
            assertThat(p.endOffset()).isEqualTo(6);
            assertThat(p.lag()).isEqualTo(4);
        });
    }

    @Test
    void withoutListedTopicsTheScopeIsEveryCommittedOrAssignedPartition() {
        topic("a", 10, 10);
        topic("b", 10);
        committed("g", Map.of(tp("a", 0), 4L));
        offsets.get(new GroupKey(GroupKind.CONSUMER, "g")).value().put(tp("a", 1), GroupOffset.NONE);
        descriptions.put(new GroupKey(GroupKind.CONSUMER, "g"), new GroupDescription(Presence.EXISTS,
                Optional.of("Stable"), OptionalInt.of(2), Set.of(tp("b", 0))));

        Assembled a = assemble(GroupQuery.consumerGroup("g", List.of()));

        assertThat(a.partitions()).extracting(p -> p.topic() + "-" + p.partition())
                .containsExactly("a-0", "a-1", "b-0");
        assertThat(total(a)).isEqualTo(6);
        assertThat(a.description().members()).hasValue(2);
        assertThat(a.description().state()).hasValue("Stable");
    }

    @Test
    void aGroupWithNothingToObserveDoesNotExist() {
        offsets.put(new GroupKey(GroupKind.CONSUMER, "ghost"), Outcome.of(new HashMap<>()));
        descriptions.put(new GroupKey(GroupKind.CONSUMER, "ghost"), GroupDescription.MISSING);

        Assembled a = assemble(GroupQuery.consumerGroup("ghost", List.of()));

        assertThat(a.unavailable().retriable()).isFalse();
        assertThat(a.unavailable().reason()).contains("consumer group 'ghost'", "broker:9092", "does not exist",
                "list its topics");
        assertThat(a.description().presence()).isEqualTo(Presence.MISSING);
    }

    @Test
    void unreadableOffsetsMakeOnlyThatGroupUnavailable() {
        topic("t", 10);
        committed("good", Map.of(tp("t", 0), 1L));
        offsets.put(new GroupKey(GroupKind.CONSUMER, "slow"), Outcome.failed(new TimeoutException("timed out")));

        Assembled slow = assemble(GroupQuery.consumerGroup("slow", List.of("t")));
        Assembled good = assemble(GroupQuery.consumerGroup("good", List.of("t")));

        assertThat(slow.unavailable().retriable()).isTrue();
        assertThat(slow.unavailable().reason()).contains("consumer group 'slow'", "no answer within 5s");
        assertThat(total(good)).isEqualTo(9);
    }

    @Test
    void aMissingPartitionOffsetMakesTheGroupUnavailableRatherThanALowerLag() {
        topic("t", 10, 10);
        latest.put(tp("t", 1), Outcome.failed(new TimeoutException("slow leader")));
        committed("g", Map.of(tp("t", 0), 1L, tp("t", 1), 1L));
        Assembled failed = assemble(GroupQuery.consumerGroup("g", List.of("t")));
        latest.remove(tp("t", 1));
        Assembled absent = assemble(GroupQuery.consumerGroup("g", List.of("t")));

        assertThat(failed.partitions()).isEmpty();
        assertThat(failed.unavailable().reason()).contains("(partition t-1)", "slow leader");
        assertThat(absent.unavailable().reason()).contains("(partition t-1)", "no offsets for t-1");
    }

    @Test
    void aDeletedTopicIsReportedAndItsCachedPartitionsForgotten() {
        committed("g", Map.of(tp("gone", 0), 1L));
        latest.put(tp("gone", 0), Outcome.failed(new UnknownTopicOrPartitionException("unknown")));
        starts.put(tp("gone", 0), Outcome.of(0L));
        topics.put("gone", Outcome.of(List.of(0)));

        Assembled stale = assemble(GroupQuery.consumerGroup("g", List.of("gone")));
        topics.remove("gone");
        Assembled unknown = assemble(GroupQuery.consumerGroup("g", List.of("gone")));

        assertThat(stale.unavailable().retriable()).isTrue();
        assertThat(stale.unknownTopics()).containsExactly("gone");
        assertThat(unknown.unavailable().reason()).contains("topic 'gone' does not exist");
        assertThat(unknown.unavailable().retriable()).isTrue();
    }

    @Test
    void anEndBelowTheCachedLogStartAsksForTheStartAgain() {
        topic("t", 5);
        starts.put(tp("t", 0), Outcome.of(40L)); // cached before the topic was recreated
        committed("g", Map.of(tp("t", 0), 2L));

        Assembled a = assemble(GroupQuery.consumerGroup("g", List.of("t")));

        assertThat(a.backwards()).containsExactly(tp("t", 0));
        assertThat(a.partitions().get(0).lag()).isZero();
    }

    @Test
    void shareGroupsTakeTheSamePathWithTheBrokersLagWinning() {
        topic("s", 50, 50, 50);
        Map<TopicPartition, GroupOffset> share = new HashMap<>();
        share.put(tp("s", 0), new GroupOffset(OptionalLong.of(0), Optional.of(12L))); // start trails the acks
        share.put(tp("s", 1), new GroupOffset(OptionalLong.of(30), Optional.empty()));
        offsets.put(new GroupKey(GroupKind.SHARE, "sg"), Outcome.of(share));
        committed("sg", Map.of(tp("s", 0), 50L)); // a consumer group of the same name is another group

        Assembled a = assemble(query("sg", List.of("s"), GroupKind.SHARE, OffsetResetPolicy.EARLIEST));

        Map<TopicPartition, PartitionLag> lag = byPartition(a);
        assertThat(lag.get(tp("s", 0)).lag()).isEqualTo(12);
        assertThat(lag.get(tp("s", 1)).lag()).isEqualTo(20);
        assertThat(lag.get(tp("s", 1)).committedOffset()).hasValue(30);
        assertThat(lag.get(tp("s", 2)).lag()).isEqualTo(50); // never initialized: reset earliest
    }

    @Test
    void aShareGroupWithoutListedTopicsCoversItsInitializedPartitions() {
        topic("s", 10, 10);
        offsets.put(new GroupKey(GroupKind.SHARE, "sg"),
                Outcome.of(Map.of(tp("s", 1), new GroupOffset(OptionalLong.of(4), Optional.empty()))));
        offsets.put(new GroupKey(GroupKind.SHARE, "none"), Outcome.failed(new GroupIdNotFoundException("none")));

        Assembled a = assemble(query("sg", List.of(), GroupKind.SHARE, OffsetResetPolicy.LATEST));
        Assembled none = assemble(query("none", List.of(), GroupKind.SHARE, OffsetResetPolicy.LATEST));

        assertThat(a.partitions()).singleElement().satisfies(p -> assertThat(p.lag()).isEqualTo(6));
        assertThat(none.unavailable().reason()).contains("share group 'none'", "does not exist");
        assertThat(none.unavailable().retriable()).isFalse();
    }

    @Test
    void aGroupTheCoordinatorDoesNotKnowIsMissingNotUnknown() {
        assertThat(LagAssembler.described(Outcome.failed(new GroupIdNotFoundException("g"))).presence())
                .isEqualTo(Presence.MISSING);
        assertThat(LagAssembler.described(Outcome.failed(new TimeoutException("t"))).presence())
                .isEqualTo(Presence.UNKNOWN);
    }

    @Test
    void aTopicThatCouldNotBeDescribedSaysWhy() {
        topics.put("t", Outcome.failed(new TimeoutException("describeTopics timed out")));
        committed("g", Map.of());

        Observation.Unavailable u = assemble(GroupQuery.consumerGroup("g", List.of("t"))).unavailable();

        assertThat(u.reason()).contains("describeTopics timed out");
        assertThat(u.retriable()).isTrue();
    }
}
