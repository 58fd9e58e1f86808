package dev.ebb.scaler.lag;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.lag.GroupReport.Presence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The lag source's Admin I/O and nothing else: it sends the batched requests it is asked for and turns each key's
 * answer into an {@link Outcome} of our own values ({@link GroupOffset}, {@link GroupDescription}, partition lists,
 * offsets). It decides nothing (which groups to describe, which offsets are stale: {@link LagCache}; what the answers
 * mean: {@link LagAssembler}) and keeps no state besides the client.
 *
 * <p>Consumer and share groups differ only in which Admin method reads them; that difference lives in
 * {@link #readOffsets} and {@link #describe} and nowhere else.
 *
 * <p>Never blocks: every future completes on the Admin client's network thread, normally, with each key's own
 * outcome. Only a request that cannot even be sent throws, at once.
 */
final class AdminLagReader implements AutoCloseable {

    private final Admin admin;
    private final int listOffsetsChunk;

    /**
     * @param listOffsetsChunk most partitions per {@code listOffsets} call (see
     *                         {@link KafkaAdminLagSource.Settings#listOffsetsChunk()})
     */
    AdminLagReader(Admin admin, int listOffsetsChunk) {
        this.admin = admin;
        this.listOffsetsChunk = listOffsetsChunk;
    }

    /**
     * The first round trip of a poll.
     *
     * @param offsets groups whose committed (consumer) or share-partition start (share) offsets to read
     * @param describe groups to describe (members, state, assignment)
     * @param topics topics whose partition lists to read
     */
    record GroupRequest(Set<GroupKey> offsets, Set<GroupKey> describe, Set<String> topics) {
    }

    /** Each key of a {@link GroupRequest} with its own outcome. */
    record GroupAnswers(Map<GroupKey, Outcome<Map<TopicPartition, GroupOffset>>> offsets,
                        Map<GroupKey, Outcome<GroupDescription>> descriptions,
                        Map<String, Outcome<List<Integer>>> topics) {
    }

    /** Which offset of a partition to read. */
    enum OffsetKind {
        /** The end of the log (high watermark). */
        LATEST,
        /** The last stable offset: the end as {@code read_committed} consumers see it. */
        STABLE,
        /** The log-start offset. */
        EARLIEST
    }

    /** Sends every request of the first round trip at once; completes when all answered (or failed). */
    CompletableFuture<GroupAnswers> readGroups(GroupRequest request) {
        Map<GroupKey, CompletableFuture<Map<TopicPartition, GroupOffset>>> offsets = new LinkedHashMap<>();
        Map<GroupKey, CompletableFuture<GroupDescription>> descriptions = new LinkedHashMap<>();
        Map<String, CompletableFuture<List<Integer>>> topics = new LinkedHashMap<>();
        for (GroupKind kind : GroupKind.values()) {
            List<String> read = ids(request.offsets(), kind);
            if (!read.isEmpty()) {
                readOffsets(kind, read).forEach((g, f) -> offsets.put(new GroupKey(kind, g), f));
            }
            List<String> described = ids(request.describe(), kind);
            if (!described.isEmpty()) {
                describe(kind, described).forEach((g, f) -> descriptions.put(new GroupKey(kind, g), f));
            }
        }
        if (!request.topics().isEmpty()) {
            var answers = admin.describeTopics(request.topics()).topicNameValues();
            for (String t : request.topics()) {
                topics.put(t, stage(answers.get(t)).thenApply(d -> d.partitions().stream()
                        .map(p -> p.partition()).toList()));
            }
        }
        List<CompletableFuture<?>> all = new ArrayList<>();
        all.addAll(offsets.values());
        all.addAll(descriptions.values());
        all.addAll(topics.values());
        return settled(all).thenApply(ignored -> new GroupAnswers(outcomes(offsets), outcomes(descriptions),
                outcomes(topics)));
    }

    private Map<String, CompletableFuture<Map<TopicPartition, GroupOffset>>> readOffsets(GroupKind kind,
                                                                                       List<String> groups) {
        Map<String, CompletableFuture<Map<TopicPartition, GroupOffset>>> result = new LinkedHashMap<>();
        if (kind == GroupKind.SHARE) {
            Map<String, ListShareGroupOffsetsSpec> specs = new LinkedHashMap<>();
            groups.forEach(g -> specs.put(g, new ListShareGroupOffsetsSpec()));
            var answers = admin.listShareGroupOffsets(specs);
            groups.forEach(g -> result.put(g, stage(answers.partitionsToOffsetInfo(g))
                    .thenApply(AdminLagReader::shareOffsets)));
        } else {
            Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
            groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
            var answers = admin.listConsumerGroupOffsets(specs);
            groups.forEach(g -> result.put(g, stage(answers.partitionsToOffsetAndMetadata(g))
                    .thenApply(AdminLagReader::committedOffsets)));
        }
        return result;
    }

    /** A partition listed without an offset (Kafka answers null for "no committed offset") stays in scope. */
    private static Map<TopicPartition, GroupOffset> committedOffsets(Map<TopicPartition, OffsetAndMetadata> in) {
        Map<TopicPartition, GroupOffset> out = new HashMap<>(in.size() * 2);
        in.forEach((tp, c) -> out.put(tp, c == null ? GroupOffset.NONE : GroupOffset.committed(c.offset())));
        return out;
    }

    /** A share partition without information was never initialized: not part of the group's scope. */
    private static Map<TopicPartition, GroupOffset> shareOffsets(Map<TopicPartition, SharePartitionOffsetInfo> in) {
        Map<TopicPartition, GroupOffset> out = new HashMap<>(in.size() * 2);
        in.forEach((tp, info) -> {
            if (info != null) {
                OptionalLong start = info.startOffset() < 0 ? OptionalLong.empty() : OptionalLong.of(info.startOffset());
                out.put(tp, new GroupOffset(start, info.lag()));
            }
        });
        return out;
    }

    private Map<String, CompletableFuture<GroupDescription>> describe(GroupKind kind, List<String> groups) {
        Map<String, CompletableFuture<GroupDescription>> result = new LinkedHashMap<>();
        if (kind == GroupKind.SHARE) {
            var answers = admin.describeShareGroups(groups).describedGroups();
            groups.forEach(g -> result.put(g, stage(answers.get(g)).thenApply(d -> description(d.groupState(),
                    d.members(), m -> m.assignment().topicPartitions()))));
        } else {
            var answers = admin.describeConsumerGroups(groups).describedGroups();
            groups.forEach(g -> result.put(g, stage(answers.get(g)).thenApply(d -> description(d.groupState(),
                    d.members(), m -> m.assignment().topicPartitions()))));
        }
        return result;
    }

    private static <M> GroupDescription description(GroupState state, Collection<M> members,
                                                    Function<M, Set<TopicPartition>> assignment) {
        Set<TopicPartition> assigned = new HashSet<>();
        members.forEach(m -> assigned.addAll(assignment.apply(m)));
        Presence presence = state == GroupState.DEAD ? Presence.MISSING : Presence.EXISTS;
        return new GroupDescription(presence, Optional.ofNullable(state).map(GroupState::toString),
                OptionalInt.of(members.size()), assigned);
    }

    /**
     * Offsets of the partitions, in calls of at most {@code listOffsetsChunk} partitions sent concurrently;
     * completes normally with each partition's own outcome.
     */
    CompletableFuture<Map<TopicPartition, Outcome<Long>>> offsets(Collection<TopicPartition> partitions,
                                                                  OffsetKind kind) {
        if (partitions.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<CompletableFuture<Map<TopicPartition, Outcome<Long>>>> calls = new ArrayList<>();
        Set<TopicPartition> part = new LinkedHashSet<>();
        for (TopicPartition tp : partitions) {
            part.add(tp);
            if (part.size() == listOffsetsChunk) {
                calls.add(offsetsCall(part, kind));
                part = new LinkedHashSet<>();
            }
        }
        if (!part.isEmpty()) {
            calls.add(offsetsCall(part, kind));
        }
        if (calls.size() == 1) {
            return calls.get(0);
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Map<TopicPartition, Outcome<Long>> all = new HashMap<>(partitions.size() * 2);
            calls.forEach(c -> all.putAll(c.join()));
            return all;
        });
    }

    private CompletableFuture<Map<TopicPartition, Outcome<Long>>> offsetsCall(Set<TopicPartition> partitions,
                                                                              OffsetKind kind) {
        OffsetSpec spec = kind == OffsetKind.EARLIEST ? OffsetSpec.earliest() : OffsetSpec.latest();
        IsolationLevel isolation = kind == OffsetKind.STABLE
                ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED;
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        ListOffsetsResult result = admin.listOffsets(request, new ListOffsetsOptions(isolation));
        return stage(result.all()).handle((values, error) -> {
            Map<TopicPartition, Outcome<Long>> outcomes = new HashMap<>(partitions.size() * 2);
            if (error == null) {
                values.forEach((tp, info) -> outcomes.put(tp, Outcome.of(info.offset())));
                return outcomes;
            }
            // all() completes after every partition did: read each partition's own outcome.
            for (TopicPartition tp : partitions) {
                KafkaFuture<ListOffsetsResult.ListOffsetsResultInfo> f = result.partitionResult(tp);
                try {
                    ListOffsetsResult.ListOffsetsResultInfo info = f.isDone() ? f.getNow(null) : null;
                    outcomes.put(tp, info == null ? Outcome.failed(error) : Outcome.of(info.offset()));
                } catch (ExecutionException e) {
                    outcomes.put(tp, Outcome.failed(AdminFailures.unwrap(e)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outcomes.put(tp, Outcome.failed(e));
                }
            }
            return outcomes;
        });
    }

    /** Blocks up to a few seconds: call it off the event loop. */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    private static List<String> ids(Set<GroupKey> groups, GroupKind kind) {
        List<String> ids = new ArrayList<>();
        for (GroupKey g : groups) {
            if (g.kind() == kind) {
                ids.add(g.groupId());
            }
        }
        return ids;
    }

    /** A KafkaFuture as a CompletableFuture completed by the Kafka thread that completes it; never blocks. */
    private static <T> CompletableFuture<T> stage(KafkaFuture<T> future) {
        CompletableFuture<T> result = new CompletableFuture<>();
        future.whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(AdminFailures.unwrap(error));
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    /** Completes when every call completed, successfully or not. */
    private static CompletableFuture<Void> settled(List<? extends CompletableFuture<?>> calls) {
        return CompletableFuture.allOf(calls.stream().map(c -> c.handle((v, t) -> null))
                .toArray(CompletableFuture[]::new));
    }

    private static <K, T> Map<K, Outcome<T>> outcomes(Map<K, CompletableFuture<T>> done) {
        Map<K, Outcome<T>> result = new LinkedHashMap<>();
        done.forEach((k, f) -> {
            try {
                result.put(k, Outcome.of(f.getNow(null)));
            } catch (RuntimeException e) {
                result.put(k, Outcome.failed(AdminFailures.unwrap(e)));
            }
        });
        return result;
    }
}
