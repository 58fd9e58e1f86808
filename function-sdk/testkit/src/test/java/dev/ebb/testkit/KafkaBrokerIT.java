package dev.ebb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerIT {

    @Test
    void createsTopicWithLeadersForEveryPartitionAndRoundTripsRecords(KafkaBroker broker) throws Exception {
        broker.createTopic("roundtrip", 6);
        try (Admin admin = Admin.create(broker.clientConfig())) {
            TopicDescription d = admin.describeTopics(List.of("roundtrip")).allTopicNames().get().get("roundtrip");
            assertThat(d.partitions()).hasSize(6).allSatisfy(p -> assertThat(p.leader()).isNotNull());
        }
        produce(broker, "roundtrip", 20);
        List<String> values = consumeAll(broker, "roundtrip", "roundtrip-reader", 20);
        assertThat(values).hasSize(20).contains("v0", "v19");
    }

    @Test
    void sharedBrokerIsTheSameInstanceAcrossInjections(KafkaBroker broker) {
        assertThat(KafkaBrokerExtension.sharedBroker()).isSameAs(broker);
        assertThat(broker.bootstrapServers()).startsWith("localhost:");
    }

    @Test
    void rejectsNonPositivePartitionCount(KafkaBroker broker) {
        assertThatThrownBy(() -> broker.createTopic("bad", 0))
                .hasMessageContaining("Invalid value 0 for partitions: must be >= 1");
    }

    @Test
    void keepsCommittedOffsetsAcrossKillAndRestart() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            broker.createTopic("durable", 2);
            produce(broker, "durable", 10);
            TopicPartition tp0 = new TopicPartition("durable", 0);
            try (Admin admin = Admin.create(broker.clientConfig())) {
                admin.alterConsumerGroupOffsets("g-durable", Map.of(tp0, new OffsetAndMetadata(3))).all().get();
            }

            broker.kill();
            assertThat(broker.isRunning()).isFalse();
            broker.restart();

            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            try (Admin admin = Admin.create(broker.clientConfig())) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("g-durable")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                assertThat(offsets.get(tp0).offset()).isEqualTo(3);
            }
            List<String> values = consumeAll(broker, "durable", "after-restart", 10);
            assertThat(values).hasSize(10);
        }
    }

    @Test
    void closeStopsTheProcessAndDeletesItsData() {
        KafkaBroker broker = KafkaBroker.start();
        var dir = broker.directory();
        broker.close();
        assertThat(broker.isRunning()).isFalse();
        assertThat(dir).doesNotExist();
    }

    static void produce(KafkaBroker broker, String topic, int count) throws Exception {
        Properties p = new Properties();
        p.putAll(broker.clientConfig());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
    }

    static List<String> consumeAll(KafkaBroker broker, String topic, String group, int expected) {
        Properties p = new Properties();
        p.putAll(broker.clientConfig());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
