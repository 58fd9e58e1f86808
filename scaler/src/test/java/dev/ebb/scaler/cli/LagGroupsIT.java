package dev.ebb.scaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code ebb lag --list} and {@code --all-groups} against a real broker, compared with kafka-consumer-groups. */
@ExtendWith(KafkaBrokerExtension.class)
class LagGroupsIT {

    record Run(int exit, String out, String err) {
    }

    private static Run ebbLag(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LagCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void commit(KafkaBroker broker, String group, String topic, long offset) throws Exception {
        try (Admin admin = Admin.create(broker.clientConfig())) {
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0),
                    new OffsetAndMetadata(offset))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> kafkaConsumerGroupsList(KafkaBroker broker) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("kafka-consumer-groups exited with " + code + ": " + message);
        });
        synchronized (LagGroupsIT.class) {
            try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
                System.setOut(capture);
                ConsumerGroupCommand.main(new String[] {"--bootstrap-server", broker.bootstrapServers(), "--list"});
            } finally {
                System.setOut(original);
                Exit.resetExitProcedure();
            }
        }
        return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    @Test
    void listsTheGroupsKafkaConsumerGroupsListsAndDescribesThemAll(KafkaBroker broker) throws Exception {
        broker.createTopic("groups-a", 1);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(new HashMap<>(broker.clientConfig()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 12; i++) {
                p.send(new ProducerRecord<>("groups-a", 0, "k", "v" + i));
            }
        }
        commit(broker, "groups-one", "groups-a", 2);
        commit(broker, "groups-two", "groups-a", 9);

        Run list = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--list");

        assertThat(list.exit()).as(list.err()).isZero();
        List<String> ours = list.out().lines().sorted().toList();
        assertThat(ours).contains("groups-one", "groups-two");
        assertThat(ours).containsExactlyElementsOf(kafkaConsumerGroupsList(broker));

        Run all = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--all-groups", "--topic", "groups-a");

        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).containsPattern("(?m)^groups-one\\s+groups-a\\s+0\\s+2\\s+12\\s+10\\s+-\\s+-\\s+-$")
                .containsPattern("(?m)^groups-two\\s+groups-a\\s+0\\s+9\\s+12\\s+3\\s+-\\s+-\\s+-$");
    }

    @Test
    void showsTheMemberThatOwnsEachPartitionAsKafkaConsumerGroupsDoes(KafkaBroker broker) throws Exception {
        broker.createTopic("groups-owned", 2);
        broker.createTopic("groups-owned-b", 1);
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put("group.id", "groups-owned");
        config.put("client.id", "owner-client");
        config.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("groups-owned", "groups-owned-b"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.assignment().size() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            // Only one partition of one topic committed: groups-owned-b is owned but was never committed.
            consumer.commitSync(Map.of(new TopicPartition("groups-owned", 0), new OffsetAndMetadata(0)));

            Run run = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--group", "groups-owned");
            List<String> theirs = kafkaConsumerGroupsDescribe(broker, "groups-owned");

            assertThat(run.exit()).as(run.err()).isZero();
            List<String> ours = run.out().lines().map(l -> l.trim().split("\\s+"))
                    .filter(c -> c.length == 9 && c[0].equals("groups-owned"))
                    .map(c -> c[1] + " " + c[2] + " " + c[6] + " " + c[7] + " " + c[8]).sorted().toList();
            assertThat(ours).hasSize(3).allSatisfy(row -> assertThat(row).contains("owner-client"));
            assertThat(ours).as(run.out()).containsExactlyElementsOf(theirs);
            assertThat(run.out()).containsPattern(
                    "(?m)^groups-owned\\s+groups-owned-b\\s+0\\s+-\\s+0\\s+0\\s+\\S+\\s+\\S+\\s+owner-client$");

            Run json = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--group", "groups-owned", "--topic",
                    "groups-owned", "--output", "json");
            assertThat(json.out()).contains("\"clientId\":\"owner-client\"", "\"consumerId\":\"");
        }
    }

    /** kafka-consumer-groups --describe rows as "topic partition consumer-id host client-id". */
    private static List<String> kafkaConsumerGroupsDescribe(KafkaBroker broker, String group) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("kafka-consumer-groups exited with " + code + ": " + message);
        });
        synchronized (LagGroupsIT.class) {
            try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
                System.setOut(capture);
                ConsumerGroupCommand.main(new String[] {"--bootstrap-server", broker.bootstrapServers(), "--describe",
                    "--group", group});
            } finally {
                System.setOut(original);
                Exit.resetExitProcedure();
            }
        }
        return captured.toString(StandardCharsets.UTF_8).lines().map(l -> l.trim().split("\\s+"))
                .filter(c -> c.length == 9 && c[0].equals(group))
                .map(c -> c[1] + " " + c[2] + " " + c[6] + " " + c[7] + " " + c[8]).sorted().toList();
    }

    @Test
    void listsShareGroupsSeparately(KafkaBroker broker) throws Exception {
        broker.createTopic("groups-b", 1);
        commit(broker, "groups-classic-only", "groups-b", 0);

        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put("group.id", "groups-share");
        try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("groups-b"));
            for (int i = 0; i < 5; i++) {
                consumer.poll(Duration.ofMillis(200)); // joining creates the share group
            }
        }

        Run share = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--list", "--kind", "share");
        Run consumer = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--list");

        assertThat(share.exit()).as(share.err()).isZero();
        assertThat(share.out().lines()).contains("groups-share").doesNotContain("groups-classic-only");
        assertThat(consumer.out().lines()).contains("groups-classic-only").doesNotContain("groups-share");
    }

    @Test
    void refusesGroupWithAllGroupsOrList() {
        Run both = ebbLag("--bootstrap-server", "localhost:9", "--all-groups", "--group", "g");
        assertThat(both.exit()).isEqualTo(LagCommand.BAD_ARGUMENTS);
        assertThat(both.err()).contains("--group cannot be combined with --all-groups or --list");

        Run neither = ebbLag("--bootstrap-server", "localhost:9");
        assertThat(neither.exit()).isEqualTo(LagCommand.BAD_ARGUMENTS);
        assertThat(neither.err()).contains("Missing --group GROUP (at least one), --all-groups or --list");

        Run twice = ebbLag("--bootstrap-server", "localhost:9", "--all-groups", "--list");
        assertThat(twice.err()).contains("--all-groups and --list cannot be combined");
    }
}
