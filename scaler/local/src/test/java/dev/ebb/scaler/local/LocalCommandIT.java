package dev.ebb.scaler.local;

import static dev.ebb.scaler.local.LocalThreadScaleTargetTest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code ebb local} against a real broker: a workload file, SDK workers as threads, from zero and back. */
@ExtendWith(KafkaBrokerExtension.class)
class LocalCommandIT {

    private static final Pattern ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void scalesExampleThreadsFromZeroForABacklogAndBackToZero(KafkaBroker broker, @TempDir Path dir)
            throws Exception {
        broker.createTopic("local-it-orders", 4);
        broker.createTopic("local-it-enriched", 4);
        Path workloads = Files.writeString(dir.resolve("workloads.yaml"), """
                apiVersion: ebb.dev/v1alpha1
                kind: ScaledWorkload
                metadata:
                  name: local-it
                spec:
                  scaleTargetRef: {name: enricher}
                  kafka:
                    bootstrapServers: "%s"
                    consumerGroup: local-it
                    topics: [local-it-orders]
                    offsetResetPolicy: earliest
                  pollInterval: 500ms
                  policy: {mode: drain, maxReplicas: 4, perReplicaRate: 200, drainWithin: 2s, readyDelay: 1s,
                           cooldown: 2s, scaleDownWindow: 1s, rebalanceGrace: 2s, commitInterval: 1s}
                """.formatted(broker.bootstrapServers()));
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        LocalCommand.Options options = LocalCommand.parse(new String[] {"--workloads", workloads.toString(),
                "--example-threads", "enricher", "--env", "enricher:EBB_OUTPUT_TOPIC=local-it-enriched",
                "--env", "enricher:EBB_EXAMPLE_WORK=5ms", "--env", "enricher:EBB_COMMIT_INTERVAL=500ms",
                "--tick", "500ms", "--grace", "10s", "--headless"});

        try (LocalCommand.Running running = LocalCommand.start(options,
                new PrintStream(terminal, true, StandardCharsets.UTF_8))) {
            waitUntil(() -> running.log().samples("local-it").size() >= 2);
            assertThat(running.log().samples("local-it"))
                    .allSatisfy(s -> assertThat(s.currentReplicas()).isZero());

            produce(broker, 400);

            Set<String> ids = new HashSet<>();
            try (KafkaConsumer<String, String> consumer = outputConsumer(broker)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (ids.size() < 400 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        Matcher m = ORDER_ID.matcher(r.value());
                        if (m.find()) {
                            ids.add(m.group(1));
                        }
                    }
                }
            }
            assertThat(ids).as("terminal:%n%s", terminal).hasSize(400);
            assertThat(running.log().samples("local-it")).anySatisfy(s -> assertThat(s.currentReplicas())
                    .isGreaterThan(1));

            waitUntil(() -> {
                List<LiveSample> samples = running.log().samples("local-it");
                return samples.get(samples.size() - 1).currentReplicas() == 0;
            });
        }
        assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("ACTIVATE").contains("TO_ZERO")
                .contains("Scaling 1 workload(s)");
        // Closing drains every worker: none of the pool's or the workers' threads survive it.
        waitUntil(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive()
                && (t.getName().startsWith("ebb-local-") || t.getName().contains("enricher-"))));
    }

    private static void produce(KafkaBroker broker, int count) {
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String id = "it-" + i;
                producer.send(new ProducerRecord<>("local-it-orders", id, "{\"orderId\":\"" + id
                        + "\",\"customerId\":\"c\",\"items\":[{\"sku\":\"A\",\"qty\":1,\"price\":2.5}]}"));
            }
        }
    }

    private static KafkaConsumer<String, String> outputConsumer(KafkaBroker broker) {
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer());
        List<TopicPartition> partitions = List.of(0, 1, 2, 3).stream()
                .map(p -> new TopicPartition("local-it-enriched", p)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
