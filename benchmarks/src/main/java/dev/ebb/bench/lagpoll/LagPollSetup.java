package dev.ebb.bench.lagpoll;

import dev.ebb.bench.lagpoll.LagPollBenchmark.Options;
import dev.ebb.scaler.lag.GroupQuery;
import dev.ebb.testkit.KafkaBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The lag-poll benchmark's broker-side setup: topics with small indexes, a few records per partition, committed
 * offsets for every group and one live consumer per group ({@link LiveMembers}, a child JVM).
 */
final class LagPollSetup {

    private LagPollSetup() {
    }

    /** One live consumer per group in a child JVM; returns once every member owns its partitions. */
    static Process startMembers(KafkaBroker broker, List<GroupQuery> queries, List<String> topics,
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
    static int groupsWithMembers(KafkaBroker broker, List<GroupQuery> queries)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(broker.clientConfig())) {
            return (int) admin.describeConsumerGroups(queries.stream().map(GroupQuery::groupId).toList()).all().get()
                    .values().stream().filter(d -> !d.members().isEmpty()).count();
        }
    }

    static void createTopics(Admin admin, List<String> topics, int partitions)
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
    static Map<TopicPartition, Long> produce(KafkaBroker broker, List<String> topics, int partitions) {
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
    static long commit(Admin admin, List<String> topics, Options o, Map<TopicPartition, Long> ends,
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
}
