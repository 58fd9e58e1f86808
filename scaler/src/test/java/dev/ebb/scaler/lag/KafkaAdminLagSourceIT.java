package dev.ebb.scaler.lag;

import static dev.ebb.scaler.lag.LagFixtures.await;
import static dev.ebb.scaler.lag.LagFixtures.commit;
import static dev.ebb.scaler.lag.LagFixtures.kafkaConsumerGroupsDescribe;
import static dev.ebb.scaler.lag.LagFixtures.produce;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.policy.GroupKind;
import dev.ebb.scaler.policy.OffsetResetPolicy;
import dev.ebb.scaler.lag.GroupQuery.Isolation;
import dev.ebb.scaler.lag.GroupReport.Presence;
import dev.ebb.scaler.lag.LagFixtures.DescribedRow;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.policy.PartitionLag;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaAdminLagSourceIT {

    private static KafkaBroker broker;
    private static Admin admin;
    private static KafkaAdminLagSource source;

    @BeforeAll
    static void connect(KafkaBroker shared) {
        broker = shared;
        admin = Admin.create(broker.clientConfig());
        source = new KafkaAdminLagSource(broker.clientConfig());
    }

    @AfterAll
    static void disconnect() {
        source.close();
        admin.close();
    }

    private static Observation.Lag lagOf(GroupQuery query) throws Exception {
        Observation o = await(source.observe(List.of(query))).get(query);
        assertThat(o).isInstanceOf(Observation.Lag.class);
        return (Observation.Lag) o;
    }

    private static Map<TopicPartition, PartitionLag> byPartition(Observation.Lag lag) {
        return lag.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(p.topic(), p.partition()), p -> p));
    }

    private static void assertEqualsKafkaConsumerGroups(Observation.Lag lag, String group) throws Exception {
        List<DescribedRow> rows = kafkaConsumerGroupsDescribe(broker.bootstrapServers(), List.of(group));
        assertThat(rows).isNotEmpty();
        Map<TopicPartition, PartitionLag> ours = byPartition(lag);
        for (DescribedRow row : rows) {
            PartitionLag p = ours.get(new TopicPartition(row.topic(), row.partition()));
            assertThat(p).as("partition %s-%d", row.topic(), row.partition()).isNotNull();
            assertThat(p.endOffset()).as("end of %s-%d", row.topic(), row.partition()).isEqualTo(row.logEndOffset());
            assertThat(p.committedOffset()).isEqualTo(row.currentOffset());
            if (row.lag().isPresent()) {
                assertThat(p.lag()).as("lag of %s-%d", row.topic(), row.partition())
                        .isEqualTo(row.lag().getAsLong());
            }
        }
    }

    @Test
    void lagEqualsKafkaConsumerGroupsForPartialCommits() throws Exception {
        String topic = "lag-partial";
        broker.createTopic(topic, 4);
        produce(broker.clientConfig(), topic, List.of(10, 20, 30, 40));
        commit(admin, "g-partial", Map.of(new TopicPartition(topic, 0), 10L, new TopicPartition(topic, 1), 5L,
                new TopicPartition(topic, 2), 0L));

        Observation.Lag lag = lagOf(GroupQuery.consumerGroup("g-partial", List.of(topic)));

        assertEqualsKafkaConsumerGroups(lag, "g-partial");
        assertThat(lag.partitionCount()).isEqualTo(4);
        assertThat(byPartition(lag).get(new TopicPartition(topic, 3)).committedOffset()).isEmpty();
        assertThat(byPartition(lag).get(new TopicPartition(topic, 3)).lag()).isZero(); // reset latest
        assertThat(lag.totalLag()).isEqualTo(0 + 15 + 30 + 0);
        assertThat(lag.arrivalRate()).isEmpty(); // first poll of this group
    }

    @Test
    void noCommitsFollowTheResetPolicy() throws Exception {
        String topic = "lag-no-commits";
        broker.createTopic(topic, 3);
        produce(broker.clientConfig(), topic, List.of(7, 0, 5));
        List<TopicPartition> tps = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(topic, p)).toList();
        Map<TopicPartition, Long> ends = LagFixtures.consumerEndOffsets(broker.clientConfig(), tps,
                IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, Long> starts = LagFixtures.consumerBeginningOffsets(broker.clientConfig(), tps);

        GroupQuery latest = new GroupQuery("g-never-latest", List.of(topic), GroupKind.CONSUMER,
                Isolation.READ_UNCOMMITTED, OffsetResetPolicy.LATEST);
        GroupQuery earliest = new GroupQuery("g-never-earliest", List.of(topic), GroupKind.CONSUMER,
                Isolation.READ_UNCOMMITTED, OffsetResetPolicy.EARLIEST);
        Map<GroupQuery, GroupReport> reports = await(source.report(List.of(latest, earliest)));

        Observation.Lag latestLag = (Observation.Lag) reports.get(latest).observation();
        Observation.Lag earliestLag = (Observation.Lag) reports.get(earliest).observation();
        assertThat(latestLag.totalLag()).isZero();
        assertThat(latestLag.partitionCount()).isEqualTo(3);
        for (TopicPartition tp : tps) {
            assertThat(byPartition(earliestLag).get(tp).lag()).isEqualTo(ends.get(tp) - starts.get(tp));
        }
        assertThat(earliestLag.totalLag()).isEqualTo(12);
        assertThat(reports.get(earliest).presence()).isEqualTo(Presence.MISSING);
    }

    @Test
    void recordsDeletedBelowTheCommittedOffsetAreNotBacklog() throws Exception {
        String topic = "lag-deleted";
        broker.createTopic(topic, 2);
        produce(broker.clientConfig(), topic, List.of(100, 100));
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        commit(admin, "g-deleted", Map.of(p0, 60L, p1, 60L));
        // p0: deleted below the commit; p1: deleted beyond the commit (those 20 records are gone for good).
        admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(30), p1, RecordsToDelete.beforeOffset(80)))
                .all().get(30, TimeUnit.SECONDS);

        Observation.Lag lag = lagOf(GroupQuery.consumerGroup("g-deleted", List.of(topic)));

        PartitionLag below = byPartition(lag).get(p0);
        PartitionLag beyond = byPartition(lag).get(p1);
        assertThat(below.logStartOffset()).isEqualTo(30);
        assertThat(below.lag()).isEqualTo(40);
        assertThat(beyond.logStartOffset()).isEqualTo(80);
        assertThat(beyond.lag()).isEqualTo(20);
        // Kafka's tool agrees where the commit is above the log start; beyond it, it still counts deleted records.
        List<DescribedRow> rows = kafkaConsumerGroupsDescribe(broker.bootstrapServers(), List.of("g-deleted"));
        DescribedRow kafkaBelow = rows.stream().filter(r -> r.partition() == 0).findFirst().orElseThrow();
        DescribedRow kafkaBeyond = rows.stream().filter(r -> r.partition() == 1).findFirst().orElseThrow();
        assertThat(kafkaBelow.lag()).hasValue(below.lag());
        assertThat(kafkaBeyond.lag()).hasValue(40);
    }

    @Test
    void readCommittedUsesTheLastStableOffsetWithAbortedTransactions() throws Exception {
        String topic = "lag-txn";
        broker.createTopic(topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lag-txn-producer");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        GroupQuery committedReader = new GroupQuery("g-txn", List.of(topic), GroupKind.CONSUMER,
                Isolation.READ_COMMITTED, OffsetResetPolicy.LATEST);
        GroupQuery uncommittedReader = new GroupQuery("g-txn", List.of(topic), GroupKind.CONSUMER,
                Isolation.READ_UNCOMMITTED, OffsetResetPolicy.LATEST);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "committed-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();
            // Transaction markers are written after abortTransaction returns: wait until the partition saw them.
            awaitStableOffset(tp, 22);
            commit(admin, "g-txn", Map.of(tp, 5L));
            // An open transaction: its records are above the last stable offset.
            producer.beginTransaction();
            for (int i = 0; i < 7; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "open-" + i));
            }
            producer.flush();

            Map<GroupQuery, Observation> seen = await(source.observe(List.of(committedReader, uncommittedReader)));
            long stable = LagFixtures.consumerEndOffsets(broker.clientConfig(), List.of(tp),
                    IsolationLevel.READ_COMMITTED).get(tp);
            long high = LagFixtures.consumerEndOffsets(broker.clientConfig(), List.of(tp),
                    IsolationLevel.READ_UNCOMMITTED).get(tp);

            Observation.Lag rc = (Observation.Lag) seen.get(committedReader);
            Observation.Lag ru = (Observation.Lag) seen.get(uncommittedReader);
            assertThat(stable).isEqualTo(22); // 10 + marker + 10 aborted + marker
            assertThat(high).isEqualTo(29);
            assertThat(rc.partitions().get(0).endOffset()).isEqualTo(stable);
            assertThat(rc.totalLag()).isEqualTo(stable - 5);
            assertThat(ru.totalLag()).isEqualTo(high - 5);
            assertEqualsKafkaConsumerGroups(ru, "g-txn");
            producer.abortTransaction();
        }
        awaitStableOffset(tp, 30);
        Observation.Lag afterAbort = lagOf(committedReader);
        assertThat(afterAbort.partitions().get(0).endOffset()).isEqualTo(30); // the abort marker made it stable
        assertThat(afterAbort.totalLag()).isEqualTo(25);
    }

    private static void awaitStableOffset(TopicPartition tp, long expected) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            long stable = LagFixtures.consumerEndOffsets(broker.clientConfig(), List.of(tp),
                    IsolationLevel.READ_COMMITTED).get(tp);
            if (stable == expected) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("last stable offset of " + tp + " never reached " + expected + ": "
                + LagFixtures.consumerEndOffsets(broker.clientConfig(), List.of(tp), IsolationLevel.READ_COMMITTED)
                + ", high watermark " + LagFixtures.consumerEndOffsets(broker.clientConfig(), List.of(tp),
                        IsolationLevel.READ_UNCOMMITTED));
    }

    @Test
    void groupOnSeveralTopicsCoversEveryCommittedPartition() throws Exception {
        broker.createTopic("lag-multi-a", 2);
        broker.createTopic("lag-multi-b", 3);
        produce(broker.clientConfig(), "lag-multi-a", List.of(10, 10));
        produce(broker.clientConfig(), "lag-multi-b", List.of(5, 6, 7));
        Map<TopicPartition, Long> commits = new HashMap<>();
        commits.put(new TopicPartition("lag-multi-a", 0), 3L);
        commits.put(new TopicPartition("lag-multi-a", 1), 10L);
        commits.put(new TopicPartition("lag-multi-b", 0), 0L);
        commits.put(new TopicPartition("lag-multi-b", 1), 1L);
        commits.put(new TopicPartition("lag-multi-b", 2), 2L);
        commit(admin, "g-multi", commits);

        Observation.Lag all = lagOf(GroupQuery.consumerGroup("g-multi", List.of()));
        Observation.Lag onlyB = lagOf(GroupQuery.consumerGroup("g-multi", List.of("lag-multi-b")));

        assertThat(all.partitionCount()).isEqualTo(5);
        assertThat(all.totalLag()).isEqualTo(7 + 0 + 5 + 5 + 5);
        assertEqualsKafkaConsumerGroups(all, "g-multi");
        assertThat(onlyB.partitionCount()).isEqualTo(3);
        assertThat(onlyB.totalLag()).isEqualTo(15);
    }

    @Test
    void twoHundredGroupsInOneBatchedPoll() throws Exception {
        String topic = "lag-200";
        broker.createTopic(topic, 10);
        produce(broker.clientConfig(), topic, IntStream.range(0, 10).mapToObj(p -> 50 + p).toList());
        List<GroupQuery> queries = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        for (int g = 0; g < 200; g++) {
            String group = "g200-" + g;
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            long total = 0;
            for (int p = 0; p < 10; p++) {
                long committed = (g + p) % 50;   // partition p holds 50 + p records
                offsets.put(new TopicPartition(topic, p), new OffsetAndMetadata(committed));
                total += 50 + p - committed;
            }
            expected.put(group, total);
            commits.add(admin.alterConsumerGroupOffsets(group, offsets).all().toCompletionStage()
                    .toCompletableFuture());
            queries.add(GroupQuery.consumerGroup(group, List.of()));
        }
        CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Map<GroupQuery, Observation> seen = await(source.observe(queries));

        assertThat(seen).hasSize(200);
        for (GroupQuery q : queries) {
            assertThat(seen.get(q)).as(q.groupId()).isInstanceOf(Observation.Lag.class);
            Observation.Lag lag = (Observation.Lag) seen.get(q);
            assertThat(lag.partitionCount()).as(q.groupId()).isEqualTo(10);
            assertThat(lag.totalLag()).as(q.groupId()).isEqualTo(expected.get(q.groupId()));
        }
        // Kafka's own tool, for a sample of the groups.
        List<String> sample = List.of("g200-0", "g200-77", "g200-199");
        for (DescribedRow row : kafkaConsumerGroupsDescribe(broker.bootstrapServers(), sample)) {
            PartitionLag ours = byPartition((Observation.Lag) seen.get(GroupQuery.consumerGroup(row.group(),
                    List.of()))).get(new TopicPartition(row.topic(), row.partition()));
            assertThat(ours.lag()).isEqualTo(row.lag().getAsLong());
        }
    }

    @Test
    void unknownGroupNextToAGoodOne() throws Exception {
        String topic = "lag-unknown";
        broker.createTopic(topic, 1);
        produce(broker.clientConfig(), topic, List.of(9));
        commit(admin, "g-known", Map.of(new TopicPartition(topic, 0), 4L));
        GroupQuery good = GroupQuery.consumerGroup("g-known", List.of());
        GroupQuery unknown = GroupQuery.consumerGroup("g-does-not-exist", List.of());

        Map<GroupQuery, GroupReport> reports = await(source.report(List.of(good, unknown)));

        assertThat(reports.get(good).observation()).isInstanceOf(Observation.Lag.class);
        assertThat(((Observation.Lag) reports.get(good).observation()).totalLag()).isEqualTo(5);
        assertThat(reports.get(good).presence()).isEqualTo(Presence.EXISTS);
        Observation.Unavailable missing = (Observation.Unavailable) reports.get(unknown).observation();
        assertThat(missing.reason()).contains("g-does-not-exist", broker.bootstrapServers(), "does not exist");
        assertThat(missing.retriable()).isFalse();
        assertThat(reports.get(unknown).presence()).isEqualTo(Presence.MISSING);
    }

    @Test
    void completesOnTheAdminClientThreadNeverBlockingTheCaller() throws Exception {
        String topic = "lag-thread";
        broker.createTopic(topic, 1);
        commit(admin, "g-thread", Map.of(new TopicPartition(topic, 0), 0L));
        String caller = Thread.currentThread().getName();

        String completedOn = await(source.observe(List.of(GroupQuery.consumerGroup("g-thread", List.of())))
                .thenApply(result -> Thread.currentThread().getName()));

        assertThat(completedOn).isNotEqualTo(caller).startsWith("kafka-admin-client-thread");
    }

    @Test
    void ratesAndTimeLagAppearFromTheSecondPoll() throws Exception {
        String topic = "lag-rates";
        broker.createTopic(topic, 1);
        produce(broker.clientConfig(), topic, List.of(10));
        commit(admin, "g-rates", Map.of(new TopicPartition(topic, 0), 0L));
        GroupQuery q = GroupQuery.consumerGroup("g-rates", List.of(topic));
        Observation.Lag first = lagOf(q);
        produce(broker.clientConfig(), topic, List.of(30));
        commit(admin, "g-rates", Map.of(new TopicPartition(topic, 0), 20L));
        Thread.sleep(20); // two polls must be apart in time for a rate

        Observation.Lag second = lagOf(q);

        assertThat(first.arrivalRate()).isEmpty();
        assertThat(second.arrivalRate()).isPresent();
        assertThat(second.arrivalRate().getAsDouble()).isPositive();
        assertThat(second.consumptionRate().getAsDouble()).isPositive();
        assertThat(second.timeLag()).isPresent();
        assertThat(second.totalLag()).isEqualTo(20);
    }
}
