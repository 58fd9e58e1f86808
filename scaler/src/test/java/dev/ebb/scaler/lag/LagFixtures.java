package dev.ebb.scaler.lag;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;

/** Producing, committing and asking Kafka's own tools, for the lag tests. */
final class LagFixtures {

    private LagFixtures() {
    }

    static KafkaProducer<String, String> producer(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(config);
    }

    /** Appends {@code counts.get(p)} records to each partition p and waits until they are acknowledged. */
    static void produce(Map<String, Object> clientConfig, String topic, List<Integer> counts) throws Exception {
        List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(clientConfig)) {
            for (int p = 0; p < counts.size(); p++) {
                for (int i = 0; i < counts.get(p); i++) {
                    sends.add(producer.send(new ProducerRecord<>(topic, p, null, "r" + i)));
                }
            }
            producer.flush();
            // A send that failed would make every expected number wrong: fail here, saying so.
            for (java.util.concurrent.Future<?> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }
        }
    }

    static void commit(Admin admin, String group, Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> commits = offsets.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
        admin.alterConsumerGroupOffsets(group, commits).all().get(30, TimeUnit.SECONDS);
    }

    /** Kafka's own view through a consumer: end offsets (last stable offsets for read_committed). */
    static Map<TopicPartition, Long> consumerEndOffsets(Map<String, Object> clientConfig, List<TopicPartition> tps,
                                                        IsolationLevel isolation) {
        try (KafkaConsumer<String, String> consumer = consumer(clientConfig, isolation)) {
            return consumer.endOffsets(tps, Duration.ofSeconds(30));
        }
    }

    static Map<TopicPartition, Long> consumerBeginningOffsets(Map<String, Object> clientConfig,
                                                              List<TopicPartition> tps) {
        try (KafkaConsumer<String, String> consumer = consumer(clientConfig, IsolationLevel.READ_UNCOMMITTED)) {
            return consumer.beginningOffsets(tps, Duration.ofSeconds(30));
        }
    }

    private static KafkaConsumer<String, String> consumer(Map<String, Object> clientConfig, IsolationLevel isolation) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        return new KafkaConsumer<>(config);
    }

    /** One row of {@code kafka-consumer-groups --describe}. */
    record DescribedRow(String group, String topic, int partition, OptionalLong currentOffset, long logEndOffset,
                        OptionalLong lag) {
    }

    /**
     * Runs Kafka's {@code kafka-consumer-groups.sh --describe} (the {@code ConsumerGroupCommand} class the script
     * calls) and parses what it prints: the reference the issue asks our numbers to equal.
     */
    static synchronized List<DescribedRow> kafkaConsumerGroupsDescribe(String bootstrap, List<String> groups)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--bootstrap-server", bootstrap, "--describe"));
        for (String g : groups) {
            args.add("--group");
            args.add(g);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("kafka-consumer-groups exited with " + code + ": " + message);
        });
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            ConsumerGroupCommand.main(args.toArray(String[]::new));
        } finally {
            System.setOut(original);
            Exit.resetExitProcedure();
        }
        List<DescribedRow> rows = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length < 6 || !groups.contains(cols[0])) {
                continue;
            }
            rows.add(new DescribedRow(cols[0], cols[1], Integer.parseInt(cols[2]), number(cols[3]),
                    Long.parseLong(cols[4]), number(cols[5])));
        }
        return rows;
    }

    private static OptionalLong number(String column) {
        return column.equals("-") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(column));
    }

    static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws InterruptedException, ExecutionException {
        try {
            return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the lag source did not complete within 60 s", e);
        }
    }

    static Properties props(Map<String, Object> map) {
        Properties p = new Properties();
        p.putAll(map);
        return p;
    }
}
