package dev.ebb.bench.lagpoll;

import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.testkit.KafkaBroker;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/** The lag-poll benchmark's side measurements: uncached polls, each request type alone, GC, heap, allocation. */
final class LagPollProbes {

    private LagPollProbes() {
    }

    /** Poll times with log-start offsets and group descriptions read on every poll (as {@code ebb lag} does). */
    static double[] uncachedPolls(KafkaBroker broker, List<GroupQuery> queries, int polls, Duration period)
            throws InterruptedException, ExecutionException {
        try (KafkaAdminLagSource source = new KafkaAdminLagSource(broker.clientConfig(),
                KafkaAdminLagSource.Settings.defaults().withApiTimeout(Duration.ofSeconds(30)).withoutCaches(),
                Clock.systemUTC())) {
            LagPollBenchmark.poll(source, queries);
            double[] ms = new double[polls];
            Cadence cadence = new Cadence(period);
            for (int i = 0; i < polls; i++) {
                cadence.awaitNext();
                long start = System.nanoTime();
                LagPollBenchmark.poll(source, queries);
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
            return ms;
        }
    }

    /** Median ms of each request type of a poll, alone (same Admin settings, same groups and partitions). */
    static Map<String, Double> breakdown(KafkaBroker broker, List<GroupQuery> queries,
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

    static void listOffsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec)
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

    interface Call {
        void run() throws InterruptedException, ExecutionException;
    }

    static double medianMs(int reps, Call call) throws InterruptedException, ExecutionException {
        call.run();
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return LagPollBenchmark.percentile(ms, 50);
    }

    /** Collections and milliseconds of garbage collection of this JVM so far, all collectors. */
    static long[] gc() {
        long count = 0;
        long ms = 0;
        for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            ms += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, ms};
    }

    static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Bytes allocated by every thread of this JVM so far (the Admin network thread does most of the work). */
    static long allocatedBytes() {
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
}
