package dev.ebb.bench.lagpoll;

import dev.ebb.bench.demo.DurationConverter;
import dev.ebb.scaler.cli.Cli;
import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.testkit.KafkaBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lag-poll cost: {@code G} consumer groups over {@code T × P} partitions on one real testkit broker, each group with a
 * live member (a real consumer, joined and heartbeating, in a child JVM: {@link LiveMembers}), observed with one
 * {@link KafkaAdminLagSource} (one Admin client) at the scaler's cadence (one poll a second, not back-to-back).
 * Reports median and p99 milliseconds per poll and the heap the source keeps (its per-group histories), and writes
 * {@code lag-poll.md} and {@code lag-poll.json}.
 *
 * <p>Size: one benchmark's setup (groups, topics, live members), measurement loop and report; its child JVM members are
 * LiveMembers.
 *
 * <p>A command, not a test: the goals (median ≤ 250 ms, p99 ≤ 400 ms for 1,000 groups over 10,000 partitions) are
 * checked and reported, never asserted in the suite.
 */
public final class LagPollBenchmark {

    static final double GOAL_MS = 250;
    static final double GOAL_P99_MS = 400;

    private LagPollBenchmark() {
    }

    @Command(name = "ebb bench-lag-poll", description = {"Starts a testkit Kafka broker, creates TOPICS x "
        + "PARTITIONS partitions with a few records each, commits offsets for GROUPS groups (each on "
        + "PARTITIONS-PER-GROUP partitions), joins one live consumer to every group (--members on; in a child JVM), "
        + "then times POLLS lag polls of all groups with one Admin client, one every CADENCE. Writes lag-poll.md and "
        + "lag-poll.json under --out.", ""})
    static final class Spec {
        @Option(names = "--topics", paramLabel = "N", description = "default 1000")
        int topics = 1000;
        @Option(names = "--partitions", paramLabel = "N", description = "per topic; default 10")
        int partitions = 10;
        @Option(names = "--groups", paramLabel = "N", description = "default 1000")
        int groups = 1000;
        @Option(names = "--partitions-per-group", paramLabel = "N", description = "default 10")
        int perGroup = 10;
        @Option(names = "--polls", paramLabel = "N", description = "timed polls; default 120")
        int polls = 120;
        @Option(names = "--warmup", paramLabel = "N", description = "polls before the timed ones; default 5")
        int warmup = 5;
        @Option(names = "--cadence", paramLabel = "D", converter = DurationConverter.class,
                description = "one poll every D; default 1s")
        Duration cadence = Duration.ofSeconds(1);
        @Option(names = "--members", paramLabel = "on|off", description = "a live consumer in every group; default on")
        String members = "on";
        @Option(names = "--out", paramLabel = "DIR", description = "default benchmarks/results")
        Path out = Path.of("benchmarks", "results");

        Options check() {
            List<String> problems = new ArrayList<>();
            Map<String, Integer> atLeastOne = new LinkedHashMap<>();
            atLeastOne.put("--topics", topics);
            atLeastOne.put("--partitions", partitions);
            atLeastOne.put("--groups", groups);
            atLeastOne.put("--partitions-per-group", perGroup);
            atLeastOne.put("--polls", polls);
            atLeastOne.put("--warmup", warmup);
            atLeastOne.forEach((name, n) -> {
                if (n < 1) {
                    problems.add("Invalid value '" + n + "' for " + name + ": must be a whole number >= 1");
                }
            });
            if (!members.equals("on") && !members.equals("off")) {
                problems.add("Invalid value '" + members + "' for --members: must be on or off");
            }
            boolean live = !members.equals("off");
            if (problems.isEmpty() && perGroup > partitions) {
                problems.add("Invalid value " + perGroup + " for --partitions-per-group: must be <= --partitions ("
                        + partitions + ")");
            }
            if (problems.isEmpty() && live && (perGroup != partitions || groups > topics)) {
                problems.add("Invalid value " + perGroup + " for --partitions-per-group with --members on: a live "
                        + "member subscribes to its group's whole topic, so each group needs a topic of its own "
                        + "(--partitions-per-group = --partitions, --groups <= --topics)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", problems));
            }
            return new Options(topics, partitions, groups, perGroup, polls, warmup, cadence, live, out);
        }
    }

    record Options(int topics, int partitions, int groups, int partitionsPerGroup, int polls, int warmup,
                   Duration cadence, boolean members, Path out) {
    }

    record Result(Options options, int totalPartitions, double medianMs, double p99Ms, double minMs, double maxMs,
                  double meanMs, long retainedHeapBytes, long heapUsedAfterGcBytes, long allocatedPerPollBytes,
                  int unavailable, long totalLag, long expectedTotalLag, Duration setup, String javaVersion,
                  int cpus, Instant at, Map<String, Double> breakdownMs, double uncachedMedianMs,
                  double uncachedP99Ms, int uncachedPolls, double loadBefore, double loadAfter,
                  int groupsWithMembersBefore, int groupsWithMembersInLastPoll, int overruns, Duration joinTime,
                  List<PollSample> polls, double gcMsDuringPolls, int gcCountDuringPolls) {
        boolean goalMet() {
            return medianMs <= GOAL_MS && p99Ms <= GOAL_P99_MS;
        }
    }

    /**
     * One timed poll, to tell where the slow ones spend their time.
     *
     * @param groupsDescribed groups described in this poll (the others' descriptions were cached)
     * @param logStartsRead partitions whose log-start offset was read in this poll
     * @param gcMs garbage-collection time of this JVM during the poll (all collectors)
     * @param load the 1-minute system load average when the poll ended
     */
    record PollSample(int index, double ms, double groupMs, double offsetMs, double computeMs, int groupsDescribed,
                      int logStartsRead, double gcMs, double load) {
    }

    /** The slowest polls first. */
    static List<PollSample> slowest(List<PollSample> polls, int n) {
        return polls.stream().sorted(java.util.Comparator.comparingDouble(PollSample::ms).reversed()).limit(n)
                .toList();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.run("bench-lag-poll", args, out, err, LagPollBenchmark::parse,
                options -> execute(options, out, err));
    }

    private static int execute(Options options, PrintStream out, PrintStream err) {
        try {
            Result result = measure(options, out);
            String markdown = LagPollReport.markdown(result);
            Files.createDirectories(options.out());
            Files.writeString(options.out().resolve("lag-poll.md"), markdown, StandardCharsets.UTF_8);
            Files.writeString(options.out().resolve("lag-poll.json"), LagPollReport.json(result), StandardCharsets.UTF_8);
            out.println();
            out.print(markdown);
            out.println("Written to " + options.out().resolve("lag-poll.md") + " and lag-poll.json");
            return result.unavailable() == 0 && result.totalLag() == result.expectedTotalLag() ? 0 : 1;
        } catch (IOException e) {
            err.println("error: cannot write results to " + options.out() + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return 1;
        } catch (ExecutionException | RuntimeException e) {
            err.println("error: benchmark failed: " + e);
            return 1;
        }
    }

    static Options parse(String[] args) {
        return Cli.parse(new Spec(), args, Spec::check);
    }

    static Result measure(Options o, PrintStream out) throws InterruptedException, ExecutionException {
        Instant setupStart = Instant.now();
        // The testkit flushes every message (safe for crash tests); that only slows down the setup here.
        // Kafka's default heartbeat (5 s) and session timeout (45 s) for KIP-848 groups instead of the testkit's fast
        // test settings: 1,000 live members heartbeat as they would in production.
        Map<String, String> brokerSettings = Map.of("log.flush.interval.messages", Long.toString(Long.MAX_VALUE),
                "group.consumer.heartbeat.interval.ms", "5000",
                "group.consumer.session.timeout.ms", "45000");
        try (KafkaBroker broker = KafkaBroker.start(brokerSettings)) {
            out.println("broker " + broker.bootstrapServers() + " up; creating " + o.topics() + " topics × "
                    + o.partitions() + " partitions");
            List<String> topics = new ArrayList<>();
            for (int t = 0; t < o.topics(); t++) {
                topics.add(String.format(Locale.ROOT, "bench-%03d", t));
            }
            Map<TopicPartition, Long> ends;
            long expectedLag = 0;
            List<GroupQuery> queries = new ArrayList<>();
            try (Admin admin = Admin.create(broker.clientConfig())) {
                createTopics(admin, topics, o.partitions());
                out.println("topics ready after " + seconds(setupStart) + "; producing");
                ends = produce(broker, topics, o.partitions());
                out.println("records produced after " + seconds(setupStart) + "; committing offsets of "
                        + o.groups() + " groups");
                expectedLag = commit(admin, topics, o, ends, queries);
            }
            Duration setup = Duration.between(setupStart, Instant.now());
            out.println("setup done in " + seconds(setupStart));
            Instant joinStart = Instant.now();
            Process members = o.members() ? startMembers(broker, queries, topics, out) : null;
            try {
            Duration joinTime = Duration.between(joinStart, Instant.now());
            int withMembers = groupsWithMembers(broker, queries);
            out.println(withMembers + " of " + queries.size() + " groups have live members; polling every "
                    + o.cadence().toMillis() + " ms");

            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long baseline = usedAfterGc(memory);
            try (KafkaAdminLagSource source = new KafkaAdminLagSource(broker.clientConfig(),
                    KafkaAdminLagSource.Settings.defaults().withApiTimeout(Duration.ofSeconds(30)),
                    Clock.systemUTC())) {
                double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                Cadence warmup = new Cadence(o.cadence());
                for (int i = 0; i < o.warmup(); i++) {
                    warmup.awaitNext();
                    poll(source, queries);
                }
                Cadence cadence = new Cadence(o.cadence());
                double[] ms = new double[o.polls()];
                long allocated = 0;
                double[] groupMs = new double[o.polls()];
                double[] offsetMs = new double[o.polls()];
                double[] computeMs = new double[o.polls()];
                List<PollSample> samples = new ArrayList<>();
                long[] gcBefore = gc();
                Map<GroupQuery, Observation> last = Map.of();
                for (int i = 0; i < o.polls(); i++) {
                    cadence.awaitNext();
                    long before = allocatedBytes();
                    long[] gcStart = gc();
                    long start = System.nanoTime();
                    last = poll(source, queries);
                    ms[i] = (System.nanoTime() - start) / 1e6;
                    allocated += allocatedBytes() - before;
                    KafkaAdminLagSource.PollTimings t = source.lastPollTimings();
                    groupMs[i] = t.groupCalls().toNanos() / 1e6;
                    offsetMs[i] = t.offsetCalls().toNanos() / 1e6;
                    computeMs[i] = t.compute().toNanos() / 1e6;
                    samples.add(new PollSample(i, ms[i], groupMs[i], offsetMs[i], computeMs[i],
                            t.groupsDescribed(), t.logStartsRead(), gc()[1] - gcStart[1],
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
                }
                long[] gcAfter = gc();
                double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                long afterGc = usedAfterGc(memory);
                int unavailable = 0;
                long totalLag = 0;
                int withMembersLast = 0;
                for (Observation obs : last.values()) {
                    if (obs instanceof Observation.Lag lag) {
                        totalLag += lag.totalLag();
                        if (lag.members().orElse(0) > 0) {
                            withMembersLast++;
                        }
                    } else {
                        unavailable++;
                    }
                }
                Map<String, Double> breakdown = new LinkedHashMap<>();
                breakdown.put("poll phase: group calls (median)", median(groupMs));
                breakdown.put("poll phase: offset calls (median)", median(offsetMs));
                breakdown.put("poll phase: computing lag, rates, time lag (median)", median(computeMs));
                breakdown.putAll(breakdown(broker, queries, ends.keySet(), 10));
                double[] uncached = uncachedPolls(broker, queries, Math.max(5, o.polls() / 4), o.cadence());
                double[] uncachedSorted = uncached.clone();
                Arrays.sort(uncachedSorted);
                double[] sorted = ms.clone();
                Arrays.sort(sorted);
                return new Result(o, o.topics() * o.partitions(), percentile(sorted, 50), percentile(sorted, 99),
                        sorted[0], sorted[sorted.length - 1], Arrays.stream(ms).average().orElse(0),
                        afterGc - baseline, afterGc, allocated / o.polls(), unavailable, totalLag, expectedLag, setup,
                        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                        Instant.now(), breakdown, percentile(uncachedSorted, 50), percentile(uncachedSorted, 99),
                        uncached.length, loadBefore, loadAfter, withMembers, withMembersLast,
                        cadence.overruns(), joinTime, samples, gcAfter[1] - gcBefore[1],
                        (int) (gcAfter[0] - gcBefore[0]));
            }
            } finally {
                if (members != null) {
                    members.getOutputStream().close();
                    if (!members.waitFor(60, TimeUnit.SECONDS)) {
                        members.destroyForcibly();
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the live members: " + e.getMessage(), e);
        }
    }

    /**
     * Polls on a fixed schedule: the i-th poll starts at start + i × period; a poll that overruns its slot is
     * followed at once by the next (counted as an overrun), never by a burst of catch-up polls.
     */
    static final class Cadence {
        interface Sleeper {
            void sleepNanos(long nanos) throws InterruptedException;
        }

        private final long periodNanos;
        private final java.util.function.LongSupplier nanoTime;
        private final Sleeper sleeper;
        private long next = Long.MIN_VALUE;
        private int overruns;

        Cadence(Duration period) {
            this(period, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
        }

        Cadence(Duration period, java.util.function.LongSupplier nanoTime, Sleeper sleeper) {
            this.periodNanos = period.toNanos();
            this.nanoTime = nanoTime;
            this.sleeper = sleeper;
        }

        /** Waits for the next slot; returns the nanoTime the slot starts at. */
        long awaitNext() throws InterruptedException {
            long now = nanoTime.getAsLong();
            if (next == Long.MIN_VALUE) {
                next = now;
            }
            long start;
            if (now < next) {
                sleeper.sleepNanos(next - now);
                start = next;
            } else {
                if (now - next > 1_000_000) {
                    overruns++;
                }
                start = now;
            }
            next = start + periodNanos;
            return start;
        }

        int overruns() {
            return overruns;
        }
    }

    /** One live consumer per group in a child JVM; returns once every member owns its partitions. */
    private static Process startMembers(KafkaBroker broker, List<GroupQuery> queries, List<String> topics,
                                        PrintStream out) throws IOException, InterruptedException {
        Path file = Files.createTempFile("ebb-lag-poll-members-", ".tsv");
        StringBuilder lines = new StringBuilder();
        for (int g = 0; g < queries.size(); g++) {
            lines.append(queries.get(g).groupId()).append('\t').append(topics.get(g % topics.size())).append('\n');
        }
        Files.writeString(file, lines);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx2g", "-Xss256k", "-XX:+UseSerialGC",
                "-Debb.log.level=warn", "-cp", System.getProperty("java.class.path"),
                LiveMembers.class.getName(), broker.bootstrapServers(), file.toString());
        pb.redirectErrorStream(true);
        Process process = pb.start();
        out.println("joining one live consumer to each of " + queries.size() + " groups (child JVM) ...");
        java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(
                process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("joined ")) {
                out.println("  " + line);
            } else if (line.startsWith(LiveMembers.READY)) {
                out.println("  all joined");
                break;
            } else if (!line.isBlank()) {
                out.println("  members: " + line);
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the live members did not all join within 15 minutes");
            }
        }
        if (line == null) {
            throw new IllegalStateException("the live members' JVM exited before all joined (exit "
                    + process.waitFor() + ")");
        }
        // Keep draining its output so that it never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (reader.readLine() != null) {
                    // discard
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "lag-poll-members-output");
        drain.setDaemon(true);
        drain.start();
        return process;
    }

    /** Groups whose description shows at least one member (the check that the members really joined). */
    private static int groupsWithMembers(KafkaBroker broker, List<GroupQuery> queries)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(broker.clientConfig())) {
            return (int) admin.describeConsumerGroups(queries.stream().map(GroupQuery::groupId).toList()).all().get()
                    .values().stream().filter(d -> !d.members().isEmpty()).count();
        }
    }

    /** Poll times with log-start offsets and group descriptions read on every poll (as {@code ebb lag} does). */
    private static double[] uncachedPolls(KafkaBroker broker, List<GroupQuery> queries, int polls, Duration period)
            throws InterruptedException, ExecutionException {
        try (KafkaAdminLagSource source = new KafkaAdminLagSource(broker.clientConfig(),
                KafkaAdminLagSource.Settings.defaults().withApiTimeout(Duration.ofSeconds(30)).withoutCaches(),
                Clock.systemUTC())) {
            poll(source, queries);
            double[] ms = new double[polls];
            Cadence cadence = new Cadence(period);
            for (int i = 0; i < polls; i++) {
                cadence.awaitNext();
                long start = System.nanoTime();
                poll(source, queries);
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
            return ms;
        }
    }

    /** Median ms of each request type of a poll, alone (same Admin settings, same groups and partitions). */
    private static Map<String, Double> breakdown(KafkaBroker broker, List<GroupQuery> queries,
                                                 Collection<TopicPartition> partitions, int reps)
            throws InterruptedException, ExecutionException {
        List<String> groups = queries.stream().map(GroupQuery::groupId).toList();
        Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        Map<String, Double> result = new LinkedHashMap<>();
        try (Admin admin = Admin.create(broker.clientConfig())) {
            result.put("listConsumerGroupOffsets (all groups, one call)",
                    medianMs(reps, () -> admin.listConsumerGroupOffsets(specs).all().get()));
            result.put("describeConsumerGroups (all groups, one call)",
                    medianMs(reps, () -> admin.describeConsumerGroups(groups).all().get()));
            result.put("listOffsets latest (all partitions, 1,000 per call)",
                    medianMs(reps, () -> listOffsets(admin, partitions, OffsetSpec.latest())));
            result.put("listOffsets earliest (all partitions, 1,000 per call)",
                    medianMs(reps, () -> listOffsets(admin, partitions, OffsetSpec.earliest())));
            List<TopicPartition> first = partitions.stream().limit(1_000).toList();
            result.put("listOffsets latest (1,000 partitions, one call)",
                    medianMs(reps, () -> listOffsets(admin, first, OffsetSpec.latest())));
        }
        return result;
    }

    private static void listOffsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException {
        List<KafkaFuture<?>> calls = new ArrayList<>();
        Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            request.put(tp, spec);
            if (request.size() == 1_000) {
                calls.add(admin.listOffsets(request).all());
                request = new LinkedHashMap<>();
            }
        }
        if (!request.isEmpty()) {
            calls.add(admin.listOffsets(request).all());
        }
        KafkaFuture.allOf(calls.toArray(KafkaFuture[]::new)).get();
    }

    private interface Call {
        void run() throws InterruptedException, ExecutionException;
    }

    private static double medianMs(int reps, Call call) throws InterruptedException, ExecutionException {
        call.run();
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return percentile(ms, 50);
    }

    private static Map<GroupQuery, Observation> poll(KafkaAdminLagSource source, List<GroupQuery> queries)
            throws InterruptedException, ExecutionException {
        try {
            return source.observe(queries).toCompletableFuture().get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a poll did not complete within 2 minutes", e);
        }
    }

    private static void createTopics(Admin admin, List<String> topics, int partitions)
            throws InterruptedException, ExecutionException {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String t : topics) {
            // Small index files: 10,000 partitions with Kafka's 10 MB preallocated indexes map 200 GB of files.
            newTopics.add(new NewTopic(t, partitions, (short) 1).configs(Map.of("segment.index.bytes", "65536")));
        }
        for (int i = 0; i < newTopics.size(); i += 20) {
            admin.createTopics(newTopics.subList(i, Math.min(i + 20, newTopics.size()))).all().get();
        }
        // Wait until every partition has a leader.
        while (true) {
            Map<String, TopicDescription> described;
            try {
                described = admin.describeTopics(topics).allTopicNames().get();
            } catch (ExecutionException e) {
                // Metadata of freshly created topics reaches the broker's cache a moment later.
                Thread.sleep(200);
                continue;
            }
            boolean ready = described.size() == topics.size();
            for (TopicDescription d : described.values()) {
                for (TopicPartitionInfo p : d.partitions()) {
                    ready &= p.leader() != null && !p.leader().isEmpty();
                }
                ready &= d.partitions().size() == partitions;
            }
            if (ready) {
                return;
            }
            Thread.sleep(200);
        }
    }

    /** A few records per partition (5 to 24), so that end offsets differ; returns each partition's end offset. */
    private static Map<TopicPartition, Long> produce(KafkaBroker broker, List<String> topics, int partitions) {
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        Map<TopicPartition, Long> ends = new LinkedHashMap<>();
        byte[] value = new byte[16];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (String t : topics) {
                for (int p = 0; p < partitions; p++) {
                    int n = 5 + Math.floorMod((t + p).hashCode(), 20);
                    for (int i = 0; i < n; i++) {
                        producer.send(new ProducerRecord<>(t, p, null, value));
                    }
                    ends.put(new TopicPartition(t, p), (long) n);
                }
            }
            producer.flush();
        }
        return ends;
    }

    /**
     * Group g commits on {@code partitionsPerGroup} consecutive partitions of one topic, half-way through each;
     * returns the total lag every poll must find.
     */
    private static long commit(Admin admin, List<String> topics, Options o, Map<TopicPartition, Long> ends,
                               List<GroupQuery> queries) throws InterruptedException, ExecutionException {
        Semaphore inFlight = new Semaphore(50);
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        long expected = 0;
        int blocks = o.partitions() / o.partitionsPerGroup();
        for (int g = 0; g < o.groups(); g++) {
            String topic = topics.get(g % topics.size());
            int first = ((g / topics.size()) % Math.max(1, blocks)) * o.partitionsPerGroup();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (int p = first; p < first + o.partitionsPerGroup(); p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                long end = ends.get(tp);
                offsets.put(tp, new OffsetAndMetadata(end / 2));
                expected += end - end / 2;
            }
            String group = String.format(Locale.ROOT, "bench-group-%04d", g);
            queries.add(GroupQuery.consumerGroup(group, List.of()));
            inFlight.acquire();
            commits.add(admin.alterConsumerGroupOffsets(group, offsets).all().toCompletionStage()
                    .toCompletableFuture().whenComplete((v, t) -> inFlight.release()));
        }
        CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).get();
        return expected;
    }

    /** Collections and milliseconds of garbage collection of this JVM so far, all collectors. */
    private static long[] gc() {
        long count = 0;
        long ms = 0;
        for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            ms += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, ms};
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Bytes allocated by every thread of this JVM so far (the Admin network thread does most of the work). */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported()) {
            long sum = 0;
            for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
                sum += Math.max(0, a);
            }
            return sum;
        }
        return 0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return percentile(sorted, 50);
    }

    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    private static String seconds(Instant since) {
        return String.format(Locale.ROOT, "%.1f s", Duration.between(since, Instant.now()).toMillis() / 1000.0);
    }
}
