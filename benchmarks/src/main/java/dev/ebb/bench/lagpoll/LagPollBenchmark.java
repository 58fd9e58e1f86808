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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lag-poll cost: {@code G} consumer groups over {@code T × P} partitions on one real testkit broker, each group with a
 * live member (a real consumer, joined and heartbeating, in a child JVM: {@link LiveMembers}), observed with one
 * {@link KafkaAdminLagSource} (one Admin client) at the scaler's cadence (one poll a second, not back-to-back).
 * Reports median and p99 milliseconds per poll and the heap the source keeps (its per-group histories), and writes
 * {@code lag-poll.md} and {@code lag-poll.json}.
 *
 * <p>The broker-side setup is {@link LagPollSetup}, the side measurements {@link LagPollProbes}, the poll schedule
 * {@link Cadence} and the report {@link LagPollReport}.
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
        @Option(names = "--warmup", paramLabel = "N", description = "polls before the timed ones (JIT, caches, first metadata); default 30")
        int warmup = 30;
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
                LagPollSetup.createTopics(admin, topics, o.partitions());
                out.println("topics ready after " + seconds(setupStart) + "; producing");
                ends = LagPollSetup.produce(broker, topics, o.partitions());
                out.println("records produced after " + seconds(setupStart) + "; committing offsets of "
                        + o.groups() + " groups");
                expectedLag = LagPollSetup.commit(admin, topics, o, ends, queries);
            }
            Duration setup = Duration.between(setupStart, Instant.now());
            out.println("setup done in " + seconds(setupStart));
            Instant joinStart = Instant.now();
            Process members = o.members() ? LagPollSetup.startMembers(broker, queries, topics, out) : null;
            try {
            Duration joinTime = Duration.between(joinStart, Instant.now());
            int withMembers = LagPollSetup.groupsWithMembers(broker, queries);
            out.println(withMembers + " of " + queries.size() + " groups have live members; polling every "
                    + o.cadence().toMillis() + " ms");

            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long baseline = LagPollProbes.usedAfterGc(memory);
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
                long[] gcBefore = LagPollProbes.gc();
                Map<GroupQuery, Observation> last = Map.of();
                for (int i = 0; i < o.polls(); i++) {
                    cadence.awaitNext();
                    long before = LagPollProbes.allocatedBytes();
                    long[] gcStart = LagPollProbes.gc();
                    long start = System.nanoTime();
                    last = poll(source, queries);
                    ms[i] = (System.nanoTime() - start) / 1e6;
                    allocated += LagPollProbes.allocatedBytes() - before;
                    KafkaAdminLagSource.PollTimings t = source.lastPollTimings();
                    groupMs[i] = t.groupCalls().toNanos() / 1e6;
                    offsetMs[i] = t.offsetCalls().toNanos() / 1e6;
                    computeMs[i] = t.compute().toNanos() / 1e6;
                    samples.add(new PollSample(i, ms[i], groupMs[i], offsetMs[i], computeMs[i],
                            t.groupsDescribed(), t.logStartsRead(), LagPollProbes.gc()[1] - gcStart[1],
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
                }
                long[] gcAfter = LagPollProbes.gc();
                double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                long afterGc = LagPollProbes.usedAfterGc(memory);
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
                breakdown.putAll(LagPollProbes.breakdown(broker, queries, ends.keySet(), 10));
                double[] uncached = LagPollProbes.uncachedPolls(broker, queries, Math.max(5, o.polls() / 4),
                        o.cadence());
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

    static Map<GroupQuery, Observation> poll(KafkaAdminLagSource source, List<GroupQuery> queries)
            throws InterruptedException, ExecutionException {
        try {
            return source.observe(queries).toCompletableFuture().get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a poll did not complete within 2 minutes", e);
        }
    }

    static double median(double[] values) {
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
