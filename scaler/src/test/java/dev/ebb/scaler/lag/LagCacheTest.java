package dev.ebb.scaler.lag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.lag.GroupReport.Presence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class LagCacheTest {

    private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");
    private static final KafkaAdminLagSource.Settings SETTINGS = KafkaAdminLagSource.Settings.defaults();

    private static GroupDescription stable(int members) {
        return new GroupDescription(Presence.EXISTS, Optional.of("Stable"), OptionalInt.of(members), Set.of());
    }

    /**
     * 1,000 groups polled once a second for two minutes: each description is re-read within describeMaxAge, and no
     * poll re-reads more than twice the average (an expiry fixed per key made some polls re-read 5× the average).
     */
    @Test
    void refreshesSpreadEvenlyOverThePollsAndNeverExceedTheMaxAge() {
        LagCache cache = new LagCache(SETTINGS, new Random(42));
        List<GroupKey> groups = new ArrayList<>();
        for (int g = 0; g < 1000; g++) {
            groups.add(new GroupKey(GroupKind.CONSUMER, String.format("orders-%04d", g)));
        }
        Map<GroupKey, Instant> lastRead = new HashMap<>();
        List<Integer> perPoll = new ArrayList<>();
        for (int poll = 0; poll < 130; poll++) {
            Instant now = T0.plusSeconds(poll);
            Set<GroupKey> stale = cache.staleDescriptions(groups, now);
            for (GroupKey g : groups) {
                Instant last = lastRead.get(g);
                if (last != null) {
                    assertThat(Duration.between(last, now)).isLessThanOrEqualTo(SETTINGS.describeMaxAge());
                }
                cache.description(g, stale.contains(g) ? Outcome.of(stable(1)) : null, now);
                if (stale.contains(g)) {
                    lastRead.put(g, now);
                }
            }
            if (poll >= 10) {
                perPoll.add(stale.size());
            }
        }
        double mean = perPoll.stream().mapToInt(Integer::intValue).average().orElseThrow();
        assertThat(mean).isBetween(100.0, 200.0); // about 1,000 per 7.5 s
        assertThat(perPoll).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo((int) (2 * mean)));
    }

    @Test
    void aFailedDescribeKeepsTheEarlierAnswer() {
        LagCache cache = new LagCache(SETTINGS, new Random(1));
        GroupKey g = new GroupKey(GroupKind.SHARE, "s");

        assertThat(cache.description(g, null, T0)).isEqualTo(GroupDescription.UNKNOWN);
        assertThat(cache.description(g, Outcome.failed(new TimeoutException("t")), T0).presence())
                .isEqualTo(Presence.UNKNOWN);
        cache.description(g, Outcome.of(stable(3)), T0);
        assertThat(cache.description(g, Outcome.failed(new TimeoutException("t")), T0.plusSeconds(20)).members())
                .hasValue(3);
        assertThat(cache.staleDescriptions(List.of(g), T0.plusSeconds(1))).isEmpty();
        assertThat(cache.staleDescriptions(List.of(g), T0.plus(SETTINGS.describeMaxAge()))).containsExactly(g);
    }

    @Test
    void logStartsAreReadOnceThenServedFromTheCacheUntilTheyExpire() {
        LagCache cache = new LagCache(SETTINGS, new Random(1));
        TopicPartition a = new TopicPartition("t", 0);
        TopicPartition b = new TopicPartition("t", 1);

        assertThat(cache.staleLogStarts(List.of(a, b), T0)).containsExactly(a, b);
        Map<TopicPartition, Outcome<Long>> first = cache.logStarts(List.of(a, b),
                Map.of(a, Outcome.of(7L), b, Outcome.failed(new TimeoutException("t"))), T0);
        assertThat(first.get(a).value()).isEqualTo(7L);
        assertThat(first.get(b).failed()).isTrue();

        Instant later = T0.plusSeconds(1);
        assertThat(cache.staleLogStarts(List.of(a, b), later)).containsExactly(b);
        Map<TopicPartition, Outcome<Long>> second = cache.logStarts(List.of(a, b), Map.of(), later);
        assertThat(second.get(a).value()).isEqualTo(7L);
        assertThat(second.get(b).failure()).hasMessageContaining("no log-start offset for t-1");
        assertThat(cache.staleLogStarts(List.of(a), T0.plus(SETTINGS.logStartMaxAge()))).containsExactly(a);

        cache.forget(new LagAssembler.Assembled(GroupDescription.UNKNOWN, List.of(), null, Set.of(), Set.of(a)));
        assertThat(cache.staleLogStarts(List.of(a), later)).containsExactly(a);
    }

    @Test
    void withoutCachesEverythingIsReadEveryPoll() {
        LagCache cache = new LagCache(SETTINGS.withoutCaches(), new Random(1));
        TopicPartition a = new TopicPartition("t", 0);
        GroupKey g = new GroupKey(GroupKind.CONSUMER, "g");

        cache.logStarts(List.of(a), Map.of(a, Outcome.of(1L)), T0);
        cache.description(g, Outcome.of(stable(1)), T0);

        assertThat(cache.staleLogStarts(List.of(a), T0)).containsExactly(a);
        assertThat(cache.staleDescriptions(List.of(g), T0)).containsExactly(g);
    }

    @Test
    void partitionListsAreKeptRefreshedAndForgottenWhenTheTopicIsGone() {
        LagCache cache = new LagCache(SETTINGS, new Random(1));
        GroupQuery q = GroupQuery.consumerGroup("g", List.of("t", "u"));

        assertThat(cache.staleTopics(List.of(q), T0)).containsExactly("t", "u");
        Map<String, Outcome<List<Integer>>> known = cache.topics(Set.of("t", "u"), Map.of("t",
                Outcome.of(List.of(0, 1)), "u", Outcome.failed(new TimeoutException("t"))), T0);
        assertThat(known.get("t").value()).containsExactly(0, 1);
        assertThat(known.get("u").failed()).isTrue();
        assertThat(cache.staleTopics(List.of(q), T0.plusSeconds(1))).containsExactly("u");
        assertThat(cache.staleTopics(List.of(q), T0.plus(SETTINGS.topicMetadataMaxAge()).plusSeconds(1)))
                .containsExactly("t", "u");

        Map<String, Outcome<List<Integer>>> gone = cache.topics(Set.of("t"),
                Map.of("t", Outcome.failed(new UnknownTopicOrPartitionException("gone"))), T0.plusSeconds(31));
        assertThat(gone.get("t").failure()).isInstanceOf(UnknownTopicOrPartitionException.class);
        cache.forget(new LagAssembler.Assembled(GroupDescription.UNKNOWN, List.of(), null, Set.of("u"), Set.of()));
        assertThat(cache.topics(Set.of("t", "u"), Map.of(), T0.plusSeconds(32))).isEmpty();
    }

    @Test
    void historiesOfGroupsNoLongerObservedAreDropped() {
        LagCache cache = new LagCache(SETTINGS, new Random(1));
        GroupQuery q = GroupQuery.consumerGroup("g", List.of("t"));
        cache.record(q, T0, List.of(), OptionalInt.of(1));

        cache.expire(T0.plus(SETTINGS.historyExpiry()).minusSeconds(1));
        assertThat(cache.sizes()).containsEntry("histories", 1);
        cache.expire(T0.plus(SETTINGS.historyExpiry()).plusSeconds(1));
        assertThat(cache.sizes()).containsEntry("histories", 0);
    }
}
