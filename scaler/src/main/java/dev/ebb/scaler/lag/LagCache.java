package dev.ebb.scaler.lag;

import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What the lag source keeps between polls, and so what it need not read every poll:
 * <ul>
 *   <li>partition lists of listed topics, re-read after {@code topicMetadataMaxAge};</li>
 *   <li>group descriptions (members, state, assignment), re-read after {@code describeMaxAge};</li>
 *   <li>log-start offsets, re-read after {@code logStartMaxAge} (they move only when records are deleted);</li>
 *   <li>each group's {@link ObservationHistory} (rates, time lag), dropped after {@code historyExpiry} unused.</li>
 * </ul>
 * Descriptions and log starts expire at a random point in [maxAge / 2, maxAge) drawn at each refresh, so that the
 * refreshes of many keys spread evenly over the polls. (An expiry derived from the key's hash, as before, gives each
 * key a fixed period; keys whose periods share a multiple then refresh together, and every 60 s one poll described
 * about 5× the average number of groups and read 5× the log starts: the p99 of the lag-poll benchmark.)
 *
 * <p>Polls of one source never overlap; the maps are concurrent because a poll moves from the caller's thread to the
 * Admin client's.
 */
final class LagCache {

    private final Duration topicMetadataMaxAge;
    private final Duration describeMaxAge;
    private final Duration logStartMaxAge;
    private final Duration historyExpiry;
    private final int historyCapacity;
    private final Duration rateWindow;
    private final Random random;
    private final Map<String, CachedTopic> topics = new ConcurrentHashMap<>();
    private final Map<GroupKey, Cached<GroupDescription>> descriptions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Cached<Long>> logStarts = new ConcurrentHashMap<>();
    private final Map<GroupQuery, TrackedHistory> histories = new ConcurrentHashMap<>();

    LagCache(KafkaAdminLagSource.Settings settings, Random random) {
        this.topicMetadataMaxAge = settings.topicMetadataMaxAge();
        this.describeMaxAge = settings.describeMaxAge();
        this.logStartMaxAge = settings.logStartMaxAge();
        this.historyExpiry = settings.historyExpiry();
        this.historyCapacity = settings.historyCapacity();
        this.rateWindow = settings.rateWindow();
        this.random = random;
    }

    /** Listed topics whose partition list is unknown or older than {@code topicMetadataMaxAge}. */
    Set<String> staleTopics(Collection<GroupQuery> queries, Instant now) {
        Set<String> stale = new LinkedHashSet<>();
        for (GroupQuery q : queries) {
            for (String topic : q.topics()) {
                CachedTopic cached = topics.get(topic);
                if (cached == null || cached.fetchedAt().plus(topicMetadataMaxAge).isBefore(now)) {
                    stale.add(topic);
                }
            }
        }
        return stale;
    }

    /**
     * Keeps the partition lists just read and forgets deleted topics; returns what the assembler knows of every
     * listed topic: its partitions, or this poll's failure when nothing is cached.
     */
    Map<String, Outcome<List<Integer>>> topics(Set<String> listed, Map<String, Outcome<List<Integer>>> read,
                                               Instant now) {
        read.forEach((topic, o) -> {
            if (!o.failed()) {
                topics.put(topic, new CachedTopic(o.value(), now));
            } else if (o.failure() instanceof UnknownTopicOrPartitionException) {
                topics.remove(topic);
            }
        });
        Map<String, Outcome<List<Integer>>> known = new HashMap<>();
        for (String topic : listed) {
            CachedTopic cached = topics.get(topic);
            Outcome<List<Integer>> answer = read.get(topic);
            if (cached != null) {
                known.put(topic, Outcome.of(cached.partitions()));
            } else if (answer != null) {
                known.put(topic, answer);
            }
        }
        return known;
    }

    /** Groups never described or whose description is older than its expiry. */
    Set<GroupKey> staleDescriptions(Collection<GroupKey> groups, Instant now) {
        Set<GroupKey> stale = new LinkedHashSet<>();
        for (GroupKey g : groups) {
            Cached<GroupDescription> cached = descriptions.get(g);
            if (cached == null || !cached.fresh(now)) {
                stale.add(g);
            }
        }
        return stale;
    }

    /**
     * The description to use this poll: this poll's answer (kept) when it told something, else the cached one — an
     * earlier answer is better than none when describing failed this time.
     *
     * @param answer this poll's answer; null when the group was not described this poll
     */
    GroupDescription description(GroupKey g, Outcome<GroupDescription> answer, Instant now) {
        Cached<GroupDescription> cached = descriptions.get(g);
        if (answer == null) {
            return cached == null ? GroupDescription.UNKNOWN : cached.value();
        }
        GroupDescription d = LagAssembler.described(answer);
        if (d.presence() != GroupReport.Presence.UNKNOWN) {
            descriptions.put(g, new Cached<>(d, expiry(now, describeMaxAge)));
            return d;
        }
        return cached == null ? d : cached.value();
    }

    /** Partitions whose log-start offset is not cached or expired. */
    Set<TopicPartition> staleLogStarts(Collection<TopicPartition> partitions, Instant now) {
        Set<TopicPartition> stale = new LinkedHashSet<>();
        for (TopicPartition tp : partitions) {
            Cached<Long> cached = logStarts.get(tp);
            if (cached == null || !cached.fresh(now)) {
                stale.add(tp);
            }
        }
        return stale;
    }

    /** Log-start offsets of every partition: just read (and kept), or cached. */
    Map<TopicPartition, Outcome<Long>> logStarts(Collection<TopicPartition> all, Map<TopicPartition, Outcome<Long>> read,
                                                 Instant now) {
        Map<TopicPartition, Outcome<Long>> starts = new HashMap<>(all.size() * 2);
        for (TopicPartition tp : all) {
            Outcome<Long> fresh = read.get(tp);
            if (fresh != null) {
                starts.put(tp, fresh);
                if (!fresh.failed() && !logStartMaxAge.isZero()) {
                    logStarts.put(tp, new Cached<>(fresh.value(), expiry(now, logStartMaxAge)));
                }
            } else {
                Cached<Long> cached = logStarts.get(tp);
                starts.put(tp, cached == null ? Outcome.failed(new IllegalStateException(
                        "no log-start offset for " + tp)) : Outcome.of(cached.value()));
            }
        }
        return starts;
    }

    /** Forgets what the assembler found wrong: deleted topics, log starts above the end (topic recreated). */
    void forget(LagAssembler.Assembled assembled) {
        assembled.unknownTopics().forEach(topics::remove);
        assembled.backwards().forEach(logStarts::remove);
    }

    /** Adds one poll's partitions to the group's history; returns the observation with rates and time lag. */
    Observation.Lag record(GroupQuery q, Instant now, List<PartitionLag> partitions, OptionalInt members) {
        TrackedHistory tracked = histories.computeIfAbsent(q, k -> new TrackedHistory(
                new ObservationHistory(historyCapacity, rateWindow), now));
        tracked.lastUsed = now;
        synchronized (tracked.history) {
            return tracked.history.record(now, partitions, members);
        }
    }

    /** Drops histories unused for {@code historyExpiry}, and descriptions and log starts that long expired. */
    void expire(Instant now) {
        Instant cutoff = now.minus(historyExpiry);
        histories.values().removeIf(h -> h.lastUsed.isBefore(cutoff));
        logStarts.values().removeIf(c -> c.expires().isBefore(cutoff));
        descriptions.values().removeIf(c -> c.expires().isBefore(cutoff));
    }

    /** Sizes of the caches, for tests and diagnostics. */
    Map<String, Integer> sizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("topics", topics.size());
        sizes.put("descriptions", descriptions.size());
        sizes.put("logStarts", logStarts.size());
        sizes.put("histories", histories.size());
        return sizes;
    }

    /** Good for a random part of [maxAge / 2, maxAge), drawn anew at each refresh; {@code now} for a zero age. */
    private Instant expiry(Instant now, Duration maxAge) {
        if (maxAge.isZero()) {
            return now;
        }
        double spread = 0.5 + random.nextDouble() / 2;
        return now.plusNanos((long) (maxAge.toNanos() * spread));
    }

    private record CachedTopic(List<Integer> partitions, Instant fetchedAt) {
    }

    /** A value read earlier, good until {@code expires}. */
    private record Cached<T>(T value, Instant expires) {
        boolean fresh(Instant now) {
            return now.isBefore(expires);
        }
    }

    private static final class TrackedHistory {
        final ObservationHistory history;
        volatile Instant lastUsed;

        TrackedHistory(ObservationHistory history, Instant lastUsed) {
            this.history = history;
            this.lastUsed = lastUsed;
        }
    }
}
