package dev.ebb.bench.lagpoll;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code lag-poll.md} and {@code lag-poll.json} from one run of {@link LagPollBenchmark}. */
final class LagPollReport {

    private LagPollReport() {
    }

    static String markdown(LagPollBenchmark.Result r) {
        LagPollBenchmark.Options o = r.options();
        StringBuilder md = new StringBuilder();
        md.append("# Lag-poll cost\n\n");
        md.append(String.format(Locale.ROOT, "%,d consumer groups over %,d partitions (%d topics × %d partitions, "
                + "each group committed on %d partitions), one Kafka 4.4 testkit broker, one Admin client "
                + "(`KafkaAdminLagSource`), %d timed polls after %d warm-up polls, one poll every %d ms (the "
                + "scaler's tick; a poll that overruns its slot is followed at once by the next: %d overrun(s)).%n%n",
                o.groups(), r.totalPartitions(), o.topics(), o.partitions(), o.partitionsPerGroup(), o.polls(),
                o.warmup(), o.cadence().toMillis(), r.overruns()));
        if (o.members()) {
            md.append(String.format(Locale.ROOT, "Every group has a live member: one real `KafkaConsumer` per group "
                    + "(group protocol `consumer`, KIP-848, the SDK's default), subscribed to its group's topic, "
                    + "joined and heartbeating (Kafka's default 5 s heartbeat, 45 s session), in a child JVM so that "
                    + "the heap below is the scaler side's alone. %,d groups had a member before the timed polls "
                    + "(describeConsumerGroups) and %,d in the last poll's observations; joining took %.0f s. The "
                    + "compromise: the members are polled until they own their partitions and then left idle "
                    + "(auto-commit off), so the committed offsets — and the lag every poll must find — stay put; "
                    + "in production members would also fetch and commit.%n%n", r.groupsWithMembersBefore(),
                    r.groupsWithMembersInLastPoll(), r.joinTime().toMillis() / 1000.0));
        } else {
            md.append("The groups have no members (--members off): committed offsets only.\n\n");
        }
        md.append("| metric | value |\n|---|---|\n");
        md.append(String.format(Locale.ROOT, "| median per poll | %.1f ms |%n", r.medianMs()));
        md.append(String.format(Locale.ROOT, "| p99 per poll | %.1f ms |%n", r.p99Ms()));
        md.append(String.format(Locale.ROOT, "| min / mean / max | %.1f / %.1f / %.1f ms |%n", r.minMs(),
                r.meanMs(), r.maxMs()));
        md.append(String.format(Locale.ROOT, "| goals: median <= %.0f ms, p99 <= %.0f ms | median: %s, p99: %s |%n",
                LagPollBenchmark.GOAL_MS, LagPollBenchmark.GOAL_P99_MS, r.medianMs() <= LagPollBenchmark.GOAL_MS ? "met" : "NOT met",
                r.p99Ms() <= LagPollBenchmark.GOAL_P99_MS ? "met" : "NOT met"));
        md.append(String.format(Locale.ROOT, "| groups with a live member (before / in the last poll) | %,d / %,d |%n",
                r.groupsWithMembersBefore(), r.groupsWithMembersInLastPoll()));
        md.append("| scaler heap retained by the source (after GC, histories of every group) | ")
                .append(mb(r.retainedHeapBytes())).append(" |\n");
        md.append("| scaler JVM heap used after GC | ").append(mb(r.heapUsedAfterGcBytes())).append(" |\n");
        md.append("| allocated per poll (all threads) | ").append(mb(r.allocatedPerPollBytes())).append(" |\n");
        md.append(String.format(Locale.ROOT, "| groups Unavailable in the last poll | %d |%n", r.unavailable()));
        md.append(String.format(Locale.ROOT, "| total lag found / expected | %,d / %,d |%n", r.totalLag(),
                r.expectedTotalLag()));
        md.append("\nRequests per poll (default settings): one batched `listConsumerGroupOffsets` for all groups, "
                + "`describeConsumerGroups` for the groups whose description expired (each refresh draws an expiry "
                + "in 5-10 s), then `listOffsets` latest for all partitions and earliest for the partitions whose "
                + "log-start offset expired (15-30 s, drawn the same way) — at most 1,000 partitions per call, calls "
                + "in parallel.\n\n");
        md.append(slowPolls(r));
        md.append(String.format(Locale.ROOT, "Without those caches (every poll describes every group and reads "
                + "every log-start offset, as `ebb lag` does), at the same cadence: median %.1f ms, p99 %.1f ms over %d polls.%n%n",
                r.uncachedMedianMs(), r.uncachedP99Ms(), r.uncachedPolls()));
        md.append("Where the time goes — the phases of the timed polls, then each request type alone (median of "
                + "10):\n\n| part | ms |\n|---|---|\n");
        r.breakdownMs().forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %.1f |%n", k, v)));
        md.append('\n');
        md.append(String.format(Locale.ROOT, "System load average (1 min) before / after the timed polls: "
                + "%.1f / %.1f on %d CPUs, shared with other engineers' builds and tests: anything above the CPU "
                + "count means the broker and this JVM waited for CPU and the times above are inflated.%n%n",
                r.loadBefore(), r.loadAfter(), r.cpus()));
        md.append(String.format(Locale.ROOT, "Machine: %d CPUs, Java %s; broker child JVM -Xmx768m, "
                + "`log.flush.interval.messages` set back to Kafka's default for this run (the testkit flushes "
                + "every message, which only slows down the setup). Setup (topics, records, commits) took %.0f s. Measured %s.%n%n", r.cpus(),
                r.javaVersion(), r.setup().toMillis() / 1000.0, r.at()));
        md.append(String.format(Locale.ROOT, "Reproduce: `./ebb bench-lag-poll --polls %d --warmup %d` (other "
                + "settings as above). The warm-up decides what the timed polls see: log-start offsets are first "
                + "re-read 15-30 s after the first poll and descriptions 5-10 s after, so timed polls that start "
                + "earlier than 30 s in miss part of the steady-state work, and the JIT compiler is still busy in "
                + "the first seconds.%n", o.polls(), o.warmup()));
        return md.toString();
    }

    /** The slowest polls next to the median one: what they did more of, and whether GC or load explains them. */
    static String slowPolls(LagPollBenchmark.Result r) {
        if (r.polls().isEmpty()) {
            return "";
        }
        List<LagPollBenchmark.PollSample> byTime = new ArrayList<>(r.polls());
        byTime.sort(java.util.Comparator.comparingDouble(LagPollBenchmark.PollSample::ms));
        LagPollBenchmark.PollSample median = byTime.get((byTime.size() - 1) / 2);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Where the tail comes from — the slowest polls next to the median one "
                + "(GC: %d collections, %.0f ms in all during the %d timed polls):%n%n", r.gcCountDuringPolls(),
                r.gcMsDuringPolls(), r.polls().size()));
        md.append("| poll | ms | group calls | offset calls | compute | groups described | log starts read | GC ms "
                + "| load (1 min) |\n|---|---|---|---|---|---|---|---|---|\n");
        List<LagPollBenchmark.PollSample> rows = new ArrayList<>(LagPollBenchmark.slowest(r.polls(), 3));
        rows.add(median);
        for (LagPollBenchmark.PollSample p : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %,d | %,d | %.0f | %.1f |%n",
                    p == median ? "median (#" + p.index() + ")" : "#" + p.index(), p.ms(), p.groupMs(),
                    p.offsetMs(), p.computeMs(), p.groupsDescribed(), p.logStartsRead(), p.gcMs(), p.load()));
        }
        IntSummary described = summary(r.polls().stream().mapToInt(LagPollBenchmark.PollSample::groupsDescribed).toArray());
        IntSummary starts = summary(r.polls().stream().mapToInt(LagPollBenchmark.PollSample::logStartsRead).toArray());
        md.append(String.format(Locale.ROOT, "%nPer poll, groups described: mean %.0f, max %,d; log-start offsets "
                + "read: mean %.0f, max %,d.%n%n", described.mean(), described.max(), starts.mean(), starts.max()));
        return md.toString();
    }

    record IntSummary(double mean, int max) {
    }

    static IntSummary summary(int[] values) {
        return new IntSummary(Arrays.stream(values).average().orElse(0), Arrays.stream(values).max().orElse(0));
    }

    static String json(LagPollBenchmark.Result r) {
        LagPollBenchmark.Options o = r.options();
        return String.format(Locale.ROOT, "{\"benchmark\":\"lag-poll\",\"at\":\"%s\",\"groups\":%d,\"topics\":%d,"
                + "\"partitionsPerTopic\":%d,\"partitions\":%d,\"partitionsPerGroup\":%d,\"polls\":%d,"
                + "\"warmupPolls\":%d,\"medianMs\":%.3f,\"p99Ms\":%.3f,\"minMs\":%.3f,\"meanMs\":%.3f,"
                + "\"maxMs\":%.3f,\"goalMs\":%.0f,\"goalMet\":%b,\"retainedHeapBytes\":%d,"
                + "\"heapUsedAfterGcBytes\":%d,\"allocatedPerPollBytes\":%d,\"unavailable\":%d,\"totalLag\":%d,"
                + "\"expectedTotalLag\":%d,\"setupSeconds\":%.1f,\"cpus\":%d,\"java\":\"%s\",\"breakdownMs\":{%s},"
                + "\"uncachedMedianMs\":%.3f,\"uncachedP99Ms\":%.3f,\"loadAverageBefore\":%.2f,"
                + "\"loadAverageAfter\":%.2f,\"goalP99Ms\":%.0f,\"cadenceMs\":%d,\"liveMembers\":%b,"
                + "\"groupsWithMembersBefore\":%d,\"groupsWithMembersInLastPoll\":%d,\"overruns\":%d,"
                + "\"joinSeconds\":%.1f,\"gcMsDuringPolls\":%.0f,\"gcCountDuringPolls\":%d,"
                + "\"slowestPolls\":[%s]}%n",
                r.at(), o.groups(), o.topics(), o.partitions(), r.totalPartitions(), o.partitionsPerGroup(),
                o.polls(), o.warmup(), r.medianMs(), r.p99Ms(), r.minMs(), r.meanMs(), r.maxMs(), LagPollBenchmark.GOAL_MS,
                r.goalMet(), r.retainedHeapBytes(), r.heapUsedAfterGcBytes(), r.allocatedPerPollBytes(),
                r.unavailable(), r.totalLag(), r.expectedTotalLag(), r.setup().toMillis() / 1000.0, r.cpus(),
                r.javaVersion(), breakdownJson(r.breakdownMs()), r.uncachedMedianMs(), r.uncachedP99Ms(),
                r.loadBefore(), r.loadAfter(), LagPollBenchmark.GOAL_P99_MS, o.cadence().toMillis(), o.members(),
                r.groupsWithMembersBefore(), r.groupsWithMembersInLastPoll(), r.overruns(),
                r.joinTime().toMillis() / 1000.0, r.gcMsDuringPolls(), r.gcCountDuringPolls(),
                pollsJson(LagPollBenchmark.slowest(r.polls(), 3)));
    }

    private static String pollsJson(List<LagPollBenchmark.PollSample> polls) {
        List<String> parts = new ArrayList<>();
        for (LagPollBenchmark.PollSample p : polls) {
            parts.add(String.format(Locale.ROOT, "{\"index\":%d,\"ms\":%.3f,\"groupCallsMs\":%.3f,"
                    + "\"offsetCallsMs\":%.3f,\"computeMs\":%.3f,\"groupsDescribed\":%d,\"logStartsRead\":%d,"
                    + "\"gcMs\":%.0f,\"load\":%.2f}", p.index(), p.ms(), p.groupMs(), p.offsetMs(), p.computeMs(),
                    p.groupsDescribed(), p.logStartsRead(), p.gcMs(), p.load()));
        }
        return String.join(",", parts);
    }

    private static String breakdownJson(Map<String, Double> breakdown) {
        List<String> parts = new ArrayList<>();
        breakdown.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "\"%s\":%.3f", k.replace("\"", "'"), v)));
        return String.join(",", parts);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0);
    }
}
