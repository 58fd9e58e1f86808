package dev.ebb.scaler;

import dev.ebb.scaler.workload.spec.KafkaAuthentication;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.SaslAuthentication;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.scaler.workload.spec.SecretRefSpec;
import dev.ebb.scaler.workload.spec.TlsAuthentication;
import dev.ebb.testkit.KafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The broker of the authenticated ITs: SASL_SSL with SCRAM-SHA-512 (user {@value #USER}, a random password) and mutual
 * TLS, one topic of two partitions holding {@value #RECORDS} records, and groups whose committed offsets are 0 (so each
 * starts with a lag of {@value #RECORDS}). {@link #secrets()} lists what no output may ever contain.
 */
public final class AuthenticatingKafka implements AutoCloseable {

    public static final String USER = "alice";
    public static final int RECORDS = 40;

    private final KafkaBroker broker;
    private final String password = USER + "-" + UUID.randomUUID();

    private AuthenticatingKafka(String topic, List<String> groups) throws Exception {
        broker = KafkaBroker.builder().saslSslScram().mutualTls().start();
        try {
            broker.createScramUser(USER, password);
            broker.createTopic(topic, 2);
            Map<String, Object> config = broker.clientConfig();
            config.put("key.serializer", StringSerializer.class);
            config.put("value.serializer", StringSerializer.class);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "v" + i));
                }
            }
            try (Admin admin = Admin.create(broker.clientConfig())) {
                Map<TopicPartition, OffsetAndMetadata> zero = Map.of(new TopicPartition(topic, 0),
                        new OffsetAndMetadata(0), new TopicPartition(topic, 1), new OffsetAndMetadata(0));
                for (String group : groups) {
                    admin.alterConsumerGroupOffsets(group, zero).all().get(30, TimeUnit.SECONDS);
                }
            }
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
    }

    /**
     * The spec every authenticated IT scales by: Deployment {@code name}-fn, threshold mode (lagThreshold 10, at most 4
     * replicas), reading {@code topic} as {@code group} through {@code bootstrap} with the given authentication.
     */
    public static ScaledWorkloadSpec spec(String name, String bootstrap, String group, String topic,
                                          SaslAuthentication sasl, TlsAuthentication tls) {
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec("apps/v1", "Deployment", name + "-fn"));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers(bootstrap);
        kafka.setConsumerGroup(group);
        kafka.setTopics(List.of(topic));
        KafkaAuthentication auth = new KafkaAuthentication();
        auth.setSasl(sasl);
        auth.setTls(tls);
        kafka.setAuthentication(auth);
        spec.setKafka(kafka);
        PolicySettings policy = new PolicySettings();
        policy.setMode("threshold");
        policy.setLagThreshold(10L);
        policy.setMaxReplicas(4);
        spec.setPolicy(policy);
        return spec;
    }

    /** SCRAM-SHA-512 with the username and password keys of Secret {@code secret}. */
    public static SaslAuthentication sasl(String secret) {
        SaslAuthentication sasl = new SaslAuthentication();
        sasl.setMechanism("SCRAM-SHA-512");
        sasl.setSecretRef(new SecretRefSpec(secret));
        return sasl;
    }

    /** TLS trusting Secret cluster-ca; with a client certificate from {@code clientSecret} unless it is null. */
    public static TlsAuthentication tls(String clientSecret) {
        TlsAuthentication tls = new TlsAuthentication();
        tls.setCaSecretRef(new SecretRefSpec("cluster-ca"));
        if (clientSecret != null) {
            tls.setClientSecretRef(new SecretRefSpec(clientSecret));
        }
        return tls;
    }

    public static AuthenticatingKafka start(String topic, List<String> groups) throws Exception {
        return new AuthenticatingKafka(topic, groups);
    }

    public KafkaBroker broker() {
        return broker;
    }

    /** {@value #USER}'s SCRAM password. */
    public String password() {
        return password;
    }

    /** The password and every line of the private keys' PEM bodies: none may appear in anything Ebb emits. */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>(List.of(password));
        for (String pem : List.of(broker.certificates().clientKey(), broker.certificates().serverKey())) {
            pem.lines().filter(l -> !l.startsWith("-----")).forEach(secrets::add);
        }
        return secrets;
    }

    @Override
    public void close() {
        broker.close();
    }
}
