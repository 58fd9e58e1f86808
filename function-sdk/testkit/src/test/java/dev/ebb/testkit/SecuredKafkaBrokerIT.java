package dev.ebb.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SecuredKafkaBrokerIT {

    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.builder().saslSslScram().mutualTls().start();
        broker.createScramUser("alice", "alice-secret");
        broker.createTopic("secured", 2);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void roundTripsRecordsThroughSaslSslWithScram() {
        Map<String, Object> config = broker.saslSslClientConfig("alice", "alice-secret");
        produce(config, "sasl-");
        assertThat(consume(config, "sasl-reader")).contains("sasl-0", "sasl-9");
    }

    @Test
    void roundTripsRecordsThroughMutualTls() {
        Map<String, Object> config = broker.mutualTlsClientConfig();
        produce(config, "mtls-");
        assertThat(consume(config, "mtls-reader")).contains("mtls-0", "mtls-9");
    }

    @Test
    void refusesAWrongScramPassword() {
        Map<String, Object> config = broker.saslSslClientConfig("alice", "wrong");
        config.put("default.api.timeout.ms", 10_000);
        config.put("request.timeout.ms", 5_000);
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("SCRAM-SHA-512");
        }
    }

    @Test
    void refusesATlsClientWithoutCertificate() {
        Map<String, Object> config = broker.mutualTlsClientConfig();
        config.remove("ssl.keystore.type");
        config.remove("ssl.keystore.certificate.chain");
        config.remove("ssl.keystore.key");
        config.put("default.api.timeout.ms", 10_000);
        config.put("request.timeout.ms", 5_000);
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SslAuthenticationException.class);
        }
    }

    private static void produce(Map<String, Object> security, String prefix) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("secured", "k" + i, prefix + i));
            }
            producer.flush();
        }
    }

    private static List<String> consume(Map<String, Object> security, String group) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("secured"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !(values.contains(group.startsWith("sasl") ? "sasl-9" : "mtls-9")
                    && values.contains(group.startsWith("sasl") ? "sasl-0" : "mtls-0"))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
