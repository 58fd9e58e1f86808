package dev.ebb.scaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class LagCommandIT {

    private static final String TOPIC = "cli-lag";
    private static KafkaBroker broker;

    record Run(int exit, String out, String err) {
    }

    private static Run ebbLag(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LagCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void traffic(KafkaBroker shared) throws Exception {
        broker = shared;
        broker.createTopic(TOPIC, 3);
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (int p = 0; p < 3; p++) {
                for (int i = 0; i < 10 * (p + 1); i++) {
                    producer.send(new ProducerRecord<>(TOPIC, p, null, "v" + i));
                }
            }
        }
        try (Admin admin = Admin.create(broker.clientConfig())) {
            admin.alterConsumerGroupOffsets("cli-group", Map.of(
                    new TopicPartition(TOPIC, 0), new OffsetAndMetadata(3),
                    new TopicPartition(TOPIC, 1), new OffsetAndMetadata(20))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Runs {@code kafka-consumer-groups --describe} and returns its rows as "topic partition current end lag". */
    private static List<String> kafkaConsumerGroupsRows(String group) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("kafka-consumer-groups exited with " + code + ": " + message);
        });
        synchronized (LagCommandIT.class) {
            try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
                System.setOut(capture);
                ConsumerGroupCommand.main(new String[] {"--bootstrap-server", broker.bootstrapServers(),
                    "--describe", "--group", group});
            } finally {
                System.setOut(original);
                Exit.resetExitProcedure();
            }
        }
        return captured.toString(StandardCharsets.UTF_8).lines()
                .map(l -> l.trim().split("\\s+"))
                .filter(c -> c.length >= 6 && c[0].equals(group))
                .map(c -> c[1] + " " + c[2] + " " + c[3] + " " + c[4] + " " + c[5])
                .toList();
    }

    @Test
    void tablePrintsTheSameLagAsKafkaConsumerGroups() {
        Run run = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--group", "cli-group");

        assertThat(run.exit()).isZero();
        List<String> ours = run.out().lines()
                .map(l -> l.trim().split("\\s+"))
                .filter(c -> c.length == 9 && c[0].equals("cli-group"))
                .map(c -> c[1] + " " + c[2] + " " + c[3] + " " + c[4] + " " + c[5])
                .toList();
        assertThat(ours).containsExactlyInAnyOrderElementsOf(kafkaConsumerGroupsRows("cli-group"));
        assertThat(ours).containsExactly("cli-lag 0 3 10 7", "cli-lag 1 20 20 0");
        assertThat(run.out()).contains("TOTAL-LAG", "TIME-LAG", "ARRIVAL/S", "CONSUMPTION/S",
                "(time lag and rates need two polls: run with --watch)");
        Matcher summary = Pattern.compile("(?m)^cli-group\\s+Empty\\s+0\\s+2\\s+7\\s+-\\s+-\\s+-$")
                .matcher(run.out());
        assertThat(summary.find()).as(run.out()).isTrue();
    }

    @Test
    void explicitTopicShowsPartitionsNeverCommitted() {
        Run run = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--group", "cli-group", "--topic", TOPIC,
                "--reset", "earliest");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).containsPattern("(?m)^cli-group\\s+cli-lag\\s+2\\s+-\\s+30\\s+30\\s+-\\s+-\\s+-$");
    }

    @Test
    void jsonOutputCarriesPartitionsAndTotals() {
        Run run = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--group", "cli-group", "--output",
                "json");

        assertThat(run.exit()).isZero();
        assertThat(run.out().trim()).startsWith("{\"at\":").endsWith("]}");
        assertThat(run.out()).contains("\"group\":\"cli-group\"", "\"totalLag\":7", "\"arrivalRate\":null",
                "{\"topic\":\"cli-lag\",\"partition\":0,\"committed\":3,\"end\":10,\"logStart\":0,\"lag\":7}");
    }

    @Test
    void watchPrintsRatesFromTheSecondPoll() {
        Run run = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--group", "cli-group", "--watch",
                "--interval", "200ms", "--count", "2", "--output", "json");

        assertThat(run.exit()).isZero();
        List<String> polls = run.out().lines().filter(l -> !l.isBlank()).toList();
        assertThat(polls).hasSize(2);
        assertThat(polls.get(0)).contains("\"arrivalRate\":null");
        assertThat(polls.get(1)).contains("\"arrivalRate\":0.000", "\"consumptionRate\":0.000");
    }

    @Test
    void unknownGroupIsAnErrorNextToAGoodOne() {
        Run run = ebbLag("--bootstrap-server", broker.bootstrapServers(), "--group", "cli-group", "--group",
                "cli-no-such-group");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("error: Consumer group 'cli-no-such-group' does not exist on "
                + broker.bootstrapServers());
        assertThat(run.out()).contains("cli-lag  0");
    }

    @Test
    void unreachableBrokerFailsWithinTheTimeoutWithoutAStackTrace() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        Run run = ebbLag("--bootstrap-server", "localhost:" + port, "--group", "g", "--timeout", "2s");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("consumer group 'g'", "localhost:" + port, "no answer within 2s")
                .doesNotContain("\tat ");
    }
}
