package dev.ebb.scaler.lag;

import dev.ebb.scaler.lag.AdminLagReader.GroupAnswers;
import dev.ebb.scaler.lag.AdminLagReader.GroupRequest;
import dev.ebb.scaler.lag.AdminLagReader.OffsetKind;
import dev.ebb.scaler.lag.GroupQuery.Isolation;
import dev.ebb.scaler.lag.GroupReport.Presence;
import dev.ebb.scaler.lag.LagAssembler.Assembled;
import dev.ebb.scaler.lag.LagAssembler.GroupFacts;
import dev.ebb.scaler.lag.LagAssembler.PartitionOffsets;
import dev.ebb.scaler.lag.LagAssembler.Scope;
import dev.ebb.scaler.policy.Observation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact lag of many groups of one Kafka cluster, with one {@link Admin} client and a fixed number of requests per
 * poll whatever the number of groups. Three parts, each testable alone:
 * <ol>
 *   <li>{@link AdminLagReader} — the Admin I/O: in one first round trip, in parallel, the committed offsets of every
 *       consumer group in one batched {@code listConsumerGroupOffsets}, the share-partition start offsets of every
 *       share group in one {@code listShareGroupOffsets}, one {@code describeConsumerGroups} /
 *       {@code describeShareGroups} for the groups whose description expired, and {@code describeTopics} for listed
 *       topics whose partition list is not cached; then one {@code listOffsets} for the end offsets of every
 *       partition involved (one more for {@code read_committed} groups, which use the last stable offset) and one
 *       for the expired log-start offsets — each split into calls of at most {@link Settings#listOffsetsChunk()}
 *       partitions, sent concurrently;</li>
 *   <li>{@link LagAssembler} — pure: each group's scope and lag from those answers;</li>
 *   <li>{@link LagCache} — what is kept between polls (descriptions, log starts, partition lists, histories).</li>
 * </ol>
 * This class only sequences them. Each group's result is computed from its own parts of the answers: a failure of
 * one group's offsets or of one partition marks only the groups that need it {@link Observation.Unavailable}.
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
     *                       when retention or {@code deleteRecords} deletes records, so most polls skip most of the
     *                       second {@code listOffsets}; each refresh picks a random expiry in half to all of this age
     *                       so that refreshes spread evenly over the polls
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

    private final AdminLagReader reader;
    private final LagAssembler assembler;
    private final LagCache cache;
    private final Settings settings;
    private final Clock clock;
    private final String bootstrap;
    private final String security;
    /** Authentication failure seen in the poll running now (polls of one source never overlap). */
    private volatile String pollAuthFailure;
    /** The authentication failure last logged; null while authenticated. */
    private volatile String loggedAuthFailure;
    private volatile PollTimings lastPoll = new PollTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO, 0, 0, 0);

    /**
     * Where the last completed poll spent its time and how much it read, for metrics and benchmarks.
     *
     * @param groupCalls committed offsets and descriptions of the groups (first round trip)
     * @param offsetCalls end and log-start offsets of the partitions (second round trip)
     * @param compute lag, rates and time lag of every group, on the Admin client's thread
     * @param groupsDescribed groups described in this poll (the others' descriptions were cached)
     * @param endOffsetsRead partitions whose end offset was read (every partition of every group)
     * @param logStartsRead partitions whose log-start offset was read (the others' were cached)
     */
    public record PollTimings(Duration groupCalls, Duration offsetCalls, Duration compute, int groupsDescribed,
                              int endOffsetsRead, int logStartsRead) {
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
        this.cache = new LagCache(settings, new Random());
        this.assembler = new LagAssembler(bootstrap, this::unavailable);
        this.reader = new AdminLagReader(Admin.create(config), settings.listOffsetsChunk());
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

    @Override
    public void close() {
        reader.close();
    }

    /** One poll: the reader's two round trips, the assembler's reading of them, the cache kept up to date. */
    private final class Poll {
        private final List<GroupQuery> queries;
        private final long started = System.nanoTime();
        private long groupsDone;
        private long offsetsDone;
        private int described;
        private int logStartsRead;
        private int endsRead;

        Poll(List<GroupQuery> queries) {
            this.queries = queries;
        }

        CompletionStage<Map<GroupQuery, GroupReport>> run() {
            Instant now = clock.instant();
            Set<GroupKey> groups = new LinkedHashSet<>();
            queries.forEach(q -> groups.add(GroupKey.of(q)));
            GroupRequest request = new GroupRequest(groups, cache.staleDescriptions(groups, now),
                    cache.staleTopics(queries, now));
            described = request.describe().size();
            return reader.readGroups(request).thenCompose(this::readOffsets);
        }

        private CompletionStage<Map<GroupQuery, GroupReport>> readOffsets(GroupAnswers answers) {
            groupsDone = System.nanoTime();
            Instant now = clock.instant();
            Map<GroupKey, GroupDescription> descriptions = new HashMap<>();
            for (GroupQuery q : queries) {
                GroupKey g = GroupKey.of(q);
                descriptions.computeIfAbsent(g, k -> cache.description(k, answers.descriptions().get(k), now));
            }
            GroupFacts facts = new GroupFacts(answers.offsets(), descriptions,
                    cache.topics(LagAssembler.listedTopics(queries), answers.topics(), now));
            Map<GroupQuery, Scope> scopes = new LinkedHashMap<>();
            Set<TopicPartition> uncommitted = new LinkedHashSet<>();
            Set<TopicPartition> stable = new LinkedHashSet<>();
            Set<TopicPartition> all = new LinkedHashSet<>();
            for (GroupQuery q : queries) {
                Scope scope = assembler.scope(q, facts, now);
                scopes.put(q, scope);
                (q.isolation() == Isolation.READ_COMMITTED ? stable : uncommitted).addAll(scope.partitions());
                all.addAll(scope.partitions());
            }
            Set<TopicPartition> staleStarts = cache.staleLogStarts(all, now);
            endsRead = uncommitted.size() + stable.size();
            logStartsRead = staleStarts.size();
            var latest = reader.offsets(uncommitted, OffsetKind.LATEST);
            var lastStable = reader.offsets(stable, OffsetKind.STABLE);
            var earliest = reader.offsets(staleStarts, OffsetKind.EARLIEST);
            return CompletableFuture.allOf(latest, lastStable, earliest).thenApply(ignored -> {
                offsetsDone = System.nanoTime();
                Instant at = clock.instant();
                return combine(facts, scopes, new PartitionOffsets(latest.join(), lastStable.join(),
                        cache.logStarts(all, earliest.join(), at)), at);
            });
        }

        private Map<GroupQuery, GroupReport> combine(GroupFacts facts, Map<GroupQuery, Scope> scopes,
                                                     PartitionOffsets offsets, Instant now) {
            Map<GroupQuery, GroupReport> result = new LinkedHashMap<>();
            for (GroupQuery q : queries) {
                Assembled a = assembler.assemble(q, facts, scopes.get(q), offsets, now);
                cache.forget(a);
                Observation observation = a.unavailable() != null ? a.unavailable()
                        : cache.record(q, now, a.partitions(), a.description().members());
                result.put(q, new GroupReport(observation, a.description().presence(), a.description().state()));
            }
            cache.expire(now);
            lastPoll = new PollTimings(Duration.ofNanos(groupsDone - started),
                    Duration.ofNanos(offsetsDone - groupsDone), Duration.ofNanos(System.nanoTime() - offsetsDone),
                    described, endsRead, logStartsRead);
            return result;
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
            result.put(q, new GroupReport(unavailable(now, t, GroupKey.of(q).subject()), Presence.UNKNOWN,
                    Optional.empty()));
        }
        return result;
    }
}
