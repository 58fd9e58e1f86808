package dev.ebb.scaler.lag;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.lag.GroupQuery.Isolation;
import dev.ebb.scaler.lag.GroupReport.Presence;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact lag of many groups of one Kafka cluster, with one {@link Admin} client and a fixed number of requests per
 * poll whatever the number of groups:
 * <ol>
 *   <li>in parallel: committed offsets of every consumer group in one batched {@code listConsumerGroupOffsets}, share
 *       partition start offsets of every share group in one {@code listShareGroupOffsets}, one
 *       {@code describeConsumerGroups} / {@code describeShareGroups} (members, existence, assigned partitions not yet
 *       committed), and {@code describeTopics} for explicitly listed topics whose partition list is not cached;</li>
 *   <li>then one {@code listOffsets} for the end offsets of every partition involved (one more for
 *       {@code read_committed} groups, which use the last stable offset) and one for every log-start offset —
 *       each split into calls of at most {@link Settings#listOffsetsChunk()} partitions, sent concurrently.</li>
 * </ol>
 * Each group's result is computed from its own parts of those answers: a failure of one group's offsets or of one
 * partition marks only the groups that need it {@link Observation.Unavailable}.
 *
 * <p>Threading: nothing blocks. Kafka futures are chained with {@code whenComplete}; the returned stage completes on
 * the Admin client's network thread, never on the caller's (a Vert.x event loop adapts it with
 * {@code Future.fromCompletionStage} and hops back). {@link #close()} blocks up to a few seconds: call it off the
 * event loop.
 */
public final class KafkaAdminLagSource implements LagSource {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAdminLagSource.class);

    /**
     * @param apiTimeout how long one poll may take before the groups become Unavailable (Admin
     *                   {@code default.api.timeout.ms}); keep it below the poll interval so a down broker shows up
     *                   within one poll
     * @param requestTimeout one request's timeout (Admin {@code request.timeout.ms}), at most {@code apiTimeout}
     * @param topicMetadataMaxAge partition lists of explicitly listed topics are refreshed after this age
     * @param historyCapacity samples kept per group for rates and time lag
     * @param rateWindow rates are averaged over this window
     * @param historyExpiry the history of a group not observed for this long is dropped
     * @param listOffsetsChunk most partitions per {@code listOffsets} call. Kafka's Admin client builds an immutable
     *                         map of the request whose probing degrades quadratically when many partitions have
     *                         close hash codes (topics named {@code orders-001 … orders-100}): one call of 10,000
     *                         such partitions costs about a second of CPU, ten calls of 1,000 a few milliseconds
     * @param logStartMaxAge log-start offsets are re-read after at most this age (0: every poll). They only move
     *                       when retention or {@code deleteRecords} deletes records, so most polls skip the second
     *                       {@code listOffsets}; each partition's refresh is spread over half to all of this age so
     *                       that refreshes do not all land in one poll
     * @param describeMaxAge group descriptions (members, state, assigned partitions) are re-read after at most this
     *                       age (0: every poll), spread the same way; a group not yet described is described at once
     */
    public record Settings(Duration apiTimeout, Duration requestTimeout, Duration topicMetadataMaxAge,
                           int historyCapacity, Duration rateWindow, Duration historyExpiry, int listOffsetsChunk,
                           Duration logStartMaxAge, Duration describeMaxAge) {
        public Settings {
            List<String> problems = new ArrayList<>();
            positive(problems, "apiTimeout", apiTimeout);
            positive(problems, "requestTimeout", requestTimeout);
            positive(problems, "topicMetadataMaxAge", topicMetadataMaxAge);
            positive(problems, "rateWindow", rateWindow);
            positive(problems, "historyExpiry", historyExpiry);
            notNegative(problems, "logStartMaxAge", logStartMaxAge);
            notNegative(problems, "describeMaxAge", describeMaxAge);
            if (listOffsetsChunk < 1) {
                problems.add("Invalid value " + listOffsetsChunk + " for listOffsetsChunk: must be >= 1");
            }
            if (historyCapacity < 2) {
                problems.add("Invalid value " + historyCapacity + " for historyCapacity: must be >= 2");
            }
            if (problems.isEmpty() && requestTimeout.compareTo(apiTimeout) > 0) {
                problems.add("Invalid value " + requestTimeout + " for requestTimeout: must be <= apiTimeout ("
                        + apiTimeout + ")");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(30), 60,
                    Duration.ofSeconds(30), Duration.ofMinutes(10), 1_000, Duration.ofSeconds(30),
                    Duration.ofSeconds(10));
        }

        public Settings withApiTimeout(Duration timeout) {
            Duration request = requestTimeout.compareTo(timeout) > 0 ? timeout : requestTimeout;
            return new Settings(timeout, request, topicMetadataMaxAge, historyCapacity, rateWindow, historyExpiry,
                    listOffsetsChunk, logStartMaxAge, describeMaxAge);
        }

        public Settings withListOffsetsChunk(int chunk) {
            return new Settings(apiTimeout, requestTimeout, topicMetadataMaxAge, historyCapacity, rateWindow,
                    historyExpiry, chunk, logStartMaxAge, describeMaxAge);
        }

        /** Log-start offsets and group descriptions read on every poll: exact, and about twice the requests. */
        public Settings withoutCaches() {
            return new Settings(apiTimeout, requestTimeout, topicMetadataMaxAge, historyCapacity, rateWindow,
                    historyExpiry, listOffsetsChunk, Duration.ZERO, Duration.ZERO);
        }

        private static void notNegative(List<String> problems, String name, Duration value) {
            if (value == null || value.isNegative()) {
                problems.add("Invalid value " + value + " for " + name + ": must be >= 0");
            }
        }

        private static void positive(List<String> problems, String name, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                problems.add("Invalid value " + value + " for " + name + ": must be > 0");
            }
        }
    }

    private final Admin admin;
    private final Settings settings;
    private final Clock clock;
    private final String bootstrap;
    private final String security;
    /** Authentication failure seen in the poll running now (polls of one source never overlap). */
    private volatile String pollAuthFailure;
    /** The authentication failure last logged; null while authenticated. */
    private volatile String loggedAuthFailure;
    private final Map<String, CachedTopic> topics = new ConcurrentHashMap<>();
    private final Map<GroupQuery, TrackedHistory> histories = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Cached<Long>> logStarts = new ConcurrentHashMap<>();
    private final Map<String, Cached<Described>> descriptions = new ConcurrentHashMap<>();
    private volatile PollTimings lastPoll = new PollTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /**
     * Where the last completed poll spent its time, for metrics and benchmarks.
     *
     * @param groupCalls committed offsets and descriptions of the groups (first round trip)
     * @param offsetCalls end and log-start offsets of the partitions (second round trip)
     * @param compute lag, rates and time lag of every group, on the Admin client's thread
     */
    public record PollTimings(Duration groupCalls, Duration offsetCalls, Duration compute) {
    }

    public PollTimings lastPollTimings() {
        return lastPoll;
    }

    /**
     * @param clientConfig Admin client configuration of one cluster: {@code bootstrap.servers} and security
     *                     settings; keys set here win over the timeouts derived from {@code settings}
     */
    public KafkaAdminLagSource(Map<String, Object> clientConfig, Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        Map<String, Object> config = adminConfig(settings);
        config.putAll(clientConfig);
        Object servers = config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || servers.toString().isBlank()) {
            throw new IllegalArgumentException("Invalid value " + servers + " for bootstrap.servers: must be set");
        }
        this.bootstrap = servers.toString();
        this.security = AdminFailures.security(config);
        this.admin = Admin.create(config);
    }

    public KafkaAdminLagSource(Map<String, Object> clientConfig) {
        this(clientConfig, Settings.defaults(), Clock.systemUTC());
    }

    /** Admin settings that make a down broker visible within one poll instead of after Kafka's 60 s default. */
    static Map<String, Object> adminConfig(Settings settings) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ebb-lag");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) settings.apiTimeout().toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) settings.requestTimeout().toMillis());
        long setup = Math.min(settings.requestTimeout().toMillis(), 2_000);
        config.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(setup, 1_000));
        config.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, setup);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        config.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1_000);
        return config;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    @Override
    public CompletionStage<Map<GroupQuery, Observation>> observe(Collection<GroupQuery> queries) {
        return report(queries).thenApply(reports -> {
            Map<GroupQuery, Observation> result = new LinkedHashMap<>();
            reports.forEach((q, r) -> result.put(q, r.observation()));
            return result;
        });
    }

    /** Like {@link #observe}, with whether each group exists and its state. Always completes normally. */
    public CompletionStage<Map<GroupQuery, GroupReport>> report(Collection<GroupQuery> queries) {
        List<GroupQuery> distinct = List.copyOf(new LinkedHashSet<>(queries));
        if (distinct.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        pollAuthFailure = null;
        CompletionStage<Map<GroupQuery, GroupReport>> polled;
        try {
            polled = new Poll(distinct).run().exceptionally(t -> allUnavailable(distinct, t));
        } catch (RuntimeException e) {
            polled = CompletableFuture.completedFuture(allUnavailable(distinct, e));
        }
        return polled.thenApply(reports -> {
            logAuthenticationChange(reports);
            return reports;
        });
    }

    /**
     * One log line when this cluster starts refusing the credentials and one when it accepts them again, never one
     * per poll: the reason is in every affected workload's status anyway. Kafka's own per-reconnect error lines are
     * switched off in the scaler's logging configuration for this reason.
     */
    private void logAuthenticationChange(Map<GroupQuery, GroupReport> reports) {
        String failure = pollAuthFailure;
        if (failure != null && loggedAuthFailure == null) {
            loggedAuthFailure = failure;
            LOG.warn("Kafka cluster {}: authentication failed ({}): {}; its workloads hold their replicas until the "
                    + "credentials are fixed", bootstrap, security, failure);
        } else if (failure == null && loggedAuthFailure != null
                && reports.values().stream().anyMatch(r -> r.observation() instanceof Observation.Lag)) {
            loggedAuthFailure = null;
            LOG.info("Kafka cluster {}: authenticated ({})", bootstrap, security);
        }
    }

    /** An Unavailable for one subject; notes authentication failures for {@link #logAuthenticationChange}. */
    private Observation.Unavailable unavailable(Instant now, Throwable failure, String subject) {
        Throwable cause = AdminFailures.unwrap(failure);
        if (cause instanceof AuthenticationException) {
            pollAuthFailure = AdminFailures.message(cause);
        }
        return AdminFailures.unavailable(now, cause, subject, bootstrap, settings.apiTimeout(), security);
    }

    private Map<GroupQuery, GroupReport> allUnavailable(List<GroupQuery> queries, Throwable t) {
        Instant now = clock.instant();
        Map<GroupQuery, GroupReport> result = new LinkedHashMap<>();
        for (GroupQuery q : queries) {
            result.put(q, new GroupReport(unavailable(now, t, subject(q)), Presence.UNKNOWN, Optional.empty()));
        }
        return result;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    private static String subject(GroupQuery q) {
        return (q.kind() == GroupKind.SHARE ? "share group '" : "consumer group '") + q.groupId() + "'";
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

    private static <T> Outcome<T> outcome(CompletableFuture<T> done) {
        try {
            return new Outcome<>(done.getNow(null), null);
        } catch (RuntimeException e) {
            return new Outcome<>(null, AdminFailures.unwrap(e));
        }
    }

    /** A completed call: a value or a failure. */
    private record Outcome<T>(T value, Throwable failure) {
        boolean failed() {
            return failure != null;
        }
    }

    private record CachedTopic(List<Integer> partitions, Instant fetchedAt) {
    }

    /** A value read earlier, good until {@code expires}. */
    private record Cached<T>(T value, Instant expires) {
        boolean fresh(Instant now) {
            return now.isBefore(expires);
        }
    }

    /** Expiry spread over [maxAge / 2, maxAge) by key, so that refreshes of many keys spread over many polls. */
    private static Instant expiry(Instant now, Duration maxAge, Object key) {
        double spread = 0.5 + (key.hashCode() & 0x3ff) / 2048.0;
        return now.plusNanos((long) (maxAge.toNanos() * spread));
    }

    private static String describeKey(GroupKind kind, String groupId) {
        return kind + "/" + groupId;
    }

    private static final class TrackedHistory {
        final ObservationHistory history;
        volatile Instant lastUsed;

        TrackedHistory(ObservationHistory history, Instant lastUsed) {
            this.history = history;
            this.lastUsed = lastUsed;
        }
    }

    /** What one group's description said. */
    private record Described(Presence presence, Optional<String> state, OptionalInt members,
                             Set<TopicPartition> assigned) {
        static final Described UNKNOWN = new Described(Presence.UNKNOWN, Optional.empty(), OptionalInt.empty(),
                Set.of());
    }

    /** The partitions one query covers, or why they are unknown. */
    private record Scope(List<TopicPartition> partitions, Observation.Unavailable unavailable) {
    }

    /** One poll: the state of the calls of one {@link #report} invocation. */
    private final class Poll {
        final List<GroupQuery> queries;
        final Map<String, CompletableFuture<Map<TopicPartition, OffsetAndMetadata>>> committed = new HashMap<>();
        final Map<String, CompletableFuture<ConsumerGroupDescription>> consumerDescriptions = new HashMap<>();
        final Map<String, CompletableFuture<Map<TopicPartition, SharePartitionOffsetInfo>>> shareOffsets =
                new HashMap<>();
        final Map<String, CompletableFuture<ShareGroupDescription>> shareDescriptions = new HashMap<>();
        final Map<String, CompletableFuture<TopicDescription>> topicDescriptions = new HashMap<>();

        Poll(List<GroupQuery> queries) {
            this.queries = queries;
        }

        private long started;
        private long groupsDone;
        private long offsetsDone;

        CompletionStage<Map<GroupQuery, GroupReport>> run() {
            started = System.nanoTime();
            Set<String> consumerGroups = new LinkedHashSet<>();
            Set<String> shareGroups = new LinkedHashSet<>();
            Set<String> staleTopics = new LinkedHashSet<>();
            Instant now = clock.instant();
            for (GroupQuery q : queries) {
                (q.kind() == GroupKind.SHARE ? shareGroups : consumerGroups).add(q.groupId());
                for (String topic : q.topics()) {
                    CachedTopic cached = topics.get(topic);
                    if (cached == null || cached.fetchedAt().plus(settings.topicMetadataMaxAge()).isBefore(now)) {
                        staleTopics.add(topic);
                    }
                }
            }
            List<CompletableFuture<?>> calls = new ArrayList<>();
            if (!consumerGroups.isEmpty()) {
                Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
                consumerGroups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
                var offsets = admin.listConsumerGroupOffsets(specs);
                for (String g : consumerGroups) {
                    committed.put(g, stage(offsets.partitionsToOffsetAndMetadata(g)));
                }
                List<String> stale = staleDescriptions(GroupKind.CONSUMER, consumerGroups, now);
                if (!stale.isEmpty()) {
                    var described = admin.describeConsumerGroups(stale).describedGroups();
                    stale.forEach(g -> consumerDescriptions.put(g, stage(described.get(g))));
                }
            }
            if (!shareGroups.isEmpty()) {
                Map<String, ListShareGroupOffsetsSpec> specs = new LinkedHashMap<>();
                shareGroups.forEach(g -> specs.put(g, new ListShareGroupOffsetsSpec()));
                var offsets = admin.listShareGroupOffsets(specs);
                for (String g : shareGroups) {
                    shareOffsets.put(g, stage(offsets.partitionsToOffsetInfo(g)));
                }
                List<String> stale = staleDescriptions(GroupKind.SHARE, shareGroups, now);
                if (!stale.isEmpty()) {
                    var described = admin.describeShareGroups(stale).describedGroups();
                    stale.forEach(g -> shareDescriptions.put(g, stage(described.get(g))));
                }
            }
            if (!staleTopics.isEmpty()) {
                var described = admin.describeTopics(staleTopics).topicNameValues();
                for (String t : staleTopics) {
                    topicDescriptions.put(t, stage(described.get(t)));
                }
            }
            calls.addAll(committed.values());
            calls.addAll(consumerDescriptions.values());
            calls.addAll(shareOffsets.values());
            calls.addAll(shareDescriptions.values());
            calls.addAll(topicDescriptions.values());
            return settled(calls).thenCompose(ignored -> listOffsets());
        }

        private List<String> staleDescriptions(GroupKind kind, Set<String> groups, Instant now) {
            List<String> stale = new ArrayList<>();
            for (String g : groups) {
                Cached<Described> cached = descriptions.get(describeKey(kind, g));
                if (cached == null || !cached.fresh(now)) {
                    stale.add(g);
                }
            }
            return stale;
        }

        /** Completes when every call completed, successfully or not. */
        private CompletableFuture<Void> settled(List<? extends CompletableFuture<?>> calls) {
            CompletableFuture<?>[] tolerant = calls.stream()
                    .map(c -> c.handle((v, t) -> null))
                    .toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(tolerant);
        }

        private CompletionStage<Map<GroupQuery, GroupReport>> listOffsets() {
            groupsDone = System.nanoTime();
            Instant now = clock.instant();
            updateTopicCache(now);
            Map<GroupQuery, Described> described = new HashMap<>();
            Map<GroupQuery, Scope> scopes = new LinkedHashMap<>();
            Set<TopicPartition> uncommittedEnds = new LinkedHashSet<>();
            Set<TopicPartition> committedEnds = new LinkedHashSet<>();
            Set<TopicPartition> all = new LinkedHashSet<>();
            for (GroupQuery q : queries) {
                Described d = describe(q, now);
                described.put(q, d);
                Scope scope = scope(q, d, now);
                scopes.put(q, scope);
                if (scope.unavailable() == null) {
                    (q.isolation() == Isolation.READ_COMMITTED ? committedEnds : uncommittedEnds)
                            .addAll(scope.partitions());
                    all.addAll(scope.partitions());
                }
            }
            var latest = offsets(uncommittedEnds, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
            var stable = offsets(committedEnds, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
            Set<TopicPartition> staleStarts = new LinkedHashSet<>();
            for (TopicPartition tp : all) {
                Cached<Long> cached = logStarts.get(tp);
                if (cached == null || !cached.fresh(now)) {
                    staleStarts.add(tp);
                }
            }
            var earliest = offsets(staleStarts, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
            return CompletableFuture.allOf(latest, stable, earliest)
                    .thenApply(ignored -> offsetsDone = System.nanoTime())
                    .thenApply(ignored -> combine(described, scopes, latest.join(), stable.join(),
                            logStarts(all, earliest.join())));
        }

        /**
         * Offsets of every partition, in calls of at most {@code listOffsetsChunk} partitions (see {@link Settings});
         * completes normally with each partition's own outcome.
         */
        private CompletableFuture<Map<TopicPartition, Outcome<Long>>> offsets(Set<TopicPartition> partitions,
                                                                             OffsetSpec spec,
                                                                             IsolationLevel isolation) {
            if (partitions.isEmpty()) {
                return CompletableFuture.completedFuture(Map.of());
            }
            int chunk = settings.listOffsetsChunk();
            if (partitions.size() <= chunk) {
                return offsetsCall(partitions, spec, isolation);
            }
            List<CompletableFuture<Map<TopicPartition, Outcome<Long>>>> calls = new ArrayList<>();
            Set<TopicPartition> part = new LinkedHashSet<>();
            for (TopicPartition tp : partitions) {
                part.add(tp);
                if (part.size() == chunk) {
                    calls.add(offsetsCall(part, spec, isolation));
                    part = new LinkedHashSet<>();
                }
            }
            if (!part.isEmpty()) {
                calls.add(offsetsCall(part, spec, isolation));
            }
            return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
                Map<TopicPartition, Outcome<Long>> all = new HashMap<>(partitions.size() * 2);
                calls.forEach(c -> all.putAll(c.join()));
                return all;
            });
        }

        private CompletableFuture<Map<TopicPartition, Outcome<Long>>> offsetsCall(Set<TopicPartition> partitions,
                                                                                 OffsetSpec spec,
                                                                                 IsolationLevel isolation) {
            Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
            partitions.forEach(tp -> request.put(tp, spec));
            ListOffsetsResult result = admin.listOffsets(request, new ListOffsetsOptions(isolation));
            return stage(result.all()).handle((values, error) -> {
                Map<TopicPartition, Outcome<Long>> outcomes = new HashMap<>(partitions.size() * 2);
                if (error == null) {
                    values.forEach((tp, info) -> outcomes.put(tp, new Outcome<>(info.offset(), null)));
                    return outcomes;
                }
                // all() completes after every partition did: read each partition's own outcome.
                for (TopicPartition tp : partitions) {
                    KafkaFuture<ListOffsetsResult.ListOffsetsResultInfo> f = result.partitionResult(tp);
                    try {
                        ListOffsetsResult.ListOffsetsResultInfo info = f.isDone() ? f.getNow(null) : null;
                        outcomes.put(tp, info == null ? new Outcome<>(null, error) : new Outcome<>(info.offset(), null));
                    } catch (ExecutionException e) {
                        outcomes.put(tp, new Outcome<>(null, AdminFailures.unwrap(e)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        outcomes.put(tp, new Outcome<>(null, e));
                    }
                }
                return outcomes;
            });
        }

        /** Log-start offsets of every partition: just read, or cached; caches what was just read. */
        private Map<TopicPartition, Outcome<Long>> logStarts(Set<TopicPartition> all,
                                                             Map<TopicPartition, Outcome<Long>> read) {
            Instant now = clock.instant();
            Map<TopicPartition, Outcome<Long>> starts = new HashMap<>(all.size() * 2);
            for (TopicPartition tp : all) {
                Outcome<Long> fresh = read.get(tp);
                if (fresh != null) {
                    starts.put(tp, fresh);
                    if (!fresh.failed() && !settings.logStartMaxAge().isZero()) {
                        logStarts.put(tp, new Cached<>(fresh.value(), expiry(now, settings.logStartMaxAge(), tp)));
                    }
                } else {
                    Cached<Long> cached = logStarts.get(tp);
                    starts.put(tp, cached == null ? new Outcome<>(null, new IllegalStateException(
                            "no log-start offset for " + tp)) : new Outcome<>(cached.value(), null));
                }
            }
            return starts;
        }

        private void updateTopicCache(Instant now) {
            topicDescriptions.forEach((topic, future) -> {
                Outcome<TopicDescription> o = outcome(future);
                if (!o.failed()) {
                    List<Integer> partitions = o.value().partitions().stream().map(p -> p.partition()).toList();
                    topics.put(topic, new CachedTopic(partitions, now));
                } else if (o.failure() instanceof UnknownTopicOrPartitionException) {
                    topics.remove(topic);
                }
            });
        }

        /** This poll's description of the group if it was described, else the cached one. */
        private Described describe(GroupQuery q, Instant now) {
            String key = describeKey(q.kind(), q.groupId());
            CompletableFuture<?> call = q.kind() == GroupKind.SHARE
                    ? shareDescriptions.get(q.groupId()) : consumerDescriptions.get(q.groupId());
            Cached<Described> cached = descriptions.get(key);
            if (call == null) {
                return cached == null ? Described.UNKNOWN : cached.value();
            }
            Described d = describeNow(q);
            if (d.presence() != Presence.UNKNOWN) {
                descriptions.put(key, new Cached<>(d, settings.describeMaxAge().isZero() ? now
                        : expiry(now, settings.describeMaxAge(), key)));
                return d;
            }
            // Describing failed this time: an earlier answer is better than none.
            return cached == null ? d : cached.value();
        }

        private Described describeNow(GroupQuery q) {
            if (q.kind() == GroupKind.SHARE) {
                Outcome<ShareGroupDescription> o = outcome(shareDescriptions.get(q.groupId()));
                if (o.failed()) {
                    return o.failure() instanceof GroupIdNotFoundException
                            ? new Described(Presence.MISSING, Optional.empty(), OptionalInt.of(0), Set.of())
                            : Described.UNKNOWN;
                }
                ShareGroupDescription d = o.value();
                Set<TopicPartition> assigned = new HashSet<>();
                for (ShareMemberDescription m : d.members()) {
                    assigned.addAll(m.assignment().topicPartitions());
                }
                return described(d.groupState(), d.members().size(), assigned);
            }
            Outcome<ConsumerGroupDescription> o = outcome(consumerDescriptions.get(q.groupId()));
            if (o.failed()) {
                return o.failure() instanceof GroupIdNotFoundException
                        ? new Described(Presence.MISSING, Optional.empty(), OptionalInt.of(0), Set.of())
                        : Described.UNKNOWN;
            }
            ConsumerGroupDescription d = o.value();
            Set<TopicPartition> assigned = new HashSet<>();
            for (MemberDescription m : d.members()) {
                assigned.addAll(m.assignment().topicPartitions());
            }
            return described(d.groupState(), d.members().size(), assigned);
        }

        private Described described(GroupState state, int members, Set<TopicPartition> assigned) {
            Presence presence = state == GroupState.DEAD ? Presence.MISSING : Presence.EXISTS;
            return new Described(presence, Optional.ofNullable(state).map(GroupState::toString),
                    OptionalInt.of(members), assigned);
        }

        /** The partitions a query covers: its topics' partitions, or everything the group committed/was assigned. */
        private Scope scope(GroupQuery q, Described d, Instant now) {
            Set<TopicPartition> known = new HashSet<>(d.assigned());
            if (q.kind() == GroupKind.SHARE) {
                Outcome<Map<TopicPartition, SharePartitionOffsetInfo>> o = outcome(shareOffsets.get(q.groupId()));
                if (o.failed() && !(o.failure() instanceof GroupIdNotFoundException && !q.topics().isEmpty())) {
                    return new Scope(List.of(), unavailable(now, o.failure(), q));
                }
                if (!o.failed()) {
                    o.value().forEach((tp, info) -> {
                        if (info != null) {
                            known.add(tp);
                        }
                    });
                }
            } else {
                Outcome<Map<TopicPartition, OffsetAndMetadata>> o = outcome(committed.get(q.groupId()));
                if (o.failed() && !(o.failure() instanceof GroupIdNotFoundException && !q.topics().isEmpty())) {
                    return new Scope(List.of(), unavailable(now, o.failure(), q));
                }
                if (!o.failed()) {
                    known.addAll(o.value().keySet());
                }
            }
            if (q.topics().isEmpty()) {
                if (known.isEmpty() && d.presence() != Presence.EXISTS) {
                    return new Scope(List.of(), new Observation.Unavailable(now, "Cannot observe " + subject(q)
                            + " on bootstrap servers " + bootstrap + ": the group does not exist (no members, no "
                            + "committed offsets); list its topics to observe it before it first commits", false));
                }
                return new Scope(sorted(known), null);
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : q.topics()) {
                CachedTopic cached = topics.get(topic);
                if (cached == null) {
                    CompletableFuture<TopicDescription> f = topicDescriptions.get(topic);
                    Throwable failure = f == null ? null : outcome(f).failure();
                    if (failure == null || failure instanceof UnknownTopicOrPartitionException) {
                        return new Scope(List.of(), new Observation.Unavailable(now, "Cannot observe " + subject(q)
                                + " on bootstrap servers " + bootstrap + ": topic '" + topic
                                + "' does not exist", true));
                    }
                    return new Scope(List.of(), unavailable(now, failure, q));
                }
                for (int p : cached.partitions()) {
                    partitions.add(new TopicPartition(topic, p));
                }
            }
            return new Scope(sorted(partitions), null);
        }

        private Observation.Unavailable unavailable(Instant now, Throwable failure, GroupQuery q) {
            return KafkaAdminLagSource.this.unavailable(now, failure, subject(q));
        }

        private Map<GroupQuery, GroupReport> combine(Map<GroupQuery, Described> described,
                                                     Map<GroupQuery, Scope> scopes,
                                                     Map<TopicPartition, Outcome<Long>> latest,
                                                     Map<TopicPartition, Outcome<Long>> stable,
                                                     Map<TopicPartition, Outcome<Long>> earliest) {
            Instant now = clock.instant();
            Map<GroupQuery, GroupReport> result = new LinkedHashMap<>();
            for (GroupQuery q : queries) {
                Described d = described.get(q);
                Scope scope = scopes.get(q);
                Observation observation = scope.unavailable() != null
                        ? scope.unavailable()
                        : lag(q, d, scope, q.isolation() == Isolation.READ_COMMITTED ? stable : latest, earliest, now);
                result.put(q, new GroupReport(observation, d.presence(), d.state()));
            }
            expireHistories(now);
            long done = System.nanoTime();
            lastPoll = new PollTimings(Duration.ofNanos(groupsDone - started), Duration.ofNanos(offsetsDone - groupsDone),
                    Duration.ofNanos(done - offsetsDone));
            return result;
        }

        private Observation lag(GroupQuery q, Described d, Scope scope, Map<TopicPartition, Outcome<Long>> ends,
                                Map<TopicPartition, Outcome<Long>> starts, Instant now) {
            Map<TopicPartition, OffsetAndMetadata> commits = Map.of();
            Map<TopicPartition, SharePartitionOffsetInfo> shares = Map.of();
            if (q.kind() == GroupKind.SHARE) {
                Outcome<Map<TopicPartition, SharePartitionOffsetInfo>> o = outcome(shareOffsets.get(q.groupId()));
                shares = o.failed() ? Map.of() : o.value();
            } else {
                Outcome<Map<TopicPartition, OffsetAndMetadata>> o = outcome(committed.get(q.groupId()));
                commits = o.failed() ? Map.of() : o.value();
            }
            List<PartitionLag> partitions = new ArrayList<>(scope.partitions().size());
            for (TopicPartition tp : scope.partitions()) {
                Outcome<Long> end = ends.get(tp);
                Outcome<Long> start = starts.get(tp);
                Outcome<Long> broken = end == null || end.failed() ? end : start == null || start.failed() ? start : null;
                if (end == null || start == null || broken != null) {
                    Throwable failure = broken == null ? new IllegalStateException("no offsets for " + tp)
                            : broken.failure();
                    if (failure instanceof UnknownTopicOrPartitionException) {
                        topics.remove(tp.topic());
                    }
                    return KafkaAdminLagSource.this.unavailable(now, failure, subject(q) + " (partition " + tp + ")");
                }
                if (end.value() < start.value()) {
                    // Topic recreated since the log start was cached: read it again next poll.
                    logStarts.remove(tp);
                }
                if (q.kind() == GroupKind.SHARE) {
                    SharePartitionOffsetInfo info = shares.get(tp);
                    OptionalLong startOffset = info == null || info.startOffset() < 0
                            ? OptionalLong.empty() : OptionalLong.of(info.startOffset());
                    Optional<Long> reported = info == null ? Optional.empty() : info.lag();
                    long lag = LagCalculator.shareLag(end.value(), start.value(), startOffset, reported,
                            q.offsetReset());
                    partitions.add(new PartitionLag(tp.topic(), tp.partition(), end.value(), start.value(),
                            startOffset, lag));
                } else {
                    OffsetAndMetadata c = commits.get(tp);
                    OptionalLong committedOffset = c == null ? OptionalLong.empty() : OptionalLong.of(c.offset());
                    partitions.add(LagCalculator.partition(tp.topic(), tp.partition(), end.value(), start.value(),
                            committedOffset, q.offsetReset()));
                }
            }
            TrackedHistory tracked = histories.computeIfAbsent(q, k -> new TrackedHistory(
                    new ObservationHistory(settings.historyCapacity(), settings.rateWindow()), now));
            tracked.lastUsed = now;
            synchronized (tracked.history) {
                return tracked.history.record(now, partitions, d.members());
            }
        }

        private void expireHistories(Instant now) {
            Instant cutoff = now.minus(settings.historyExpiry());
            histories.values().removeIf(h -> h.lastUsed.isBefore(cutoff));
            logStarts.values().removeIf(c -> c.expires().isBefore(cutoff));
            descriptions.values().removeIf(c -> c.expires().isBefore(cutoff));
        }
    }

    private static List<TopicPartition> sorted(Collection<TopicPartition> partitions) {
        List<TopicPartition> list = new ArrayList<>(partitions);
        list.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        return list;
    }
}
