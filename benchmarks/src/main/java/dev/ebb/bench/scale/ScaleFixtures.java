package dev.ebb.bench.scale;

import dev.ebb.bench.scale.ScaleBenchmark.Options;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkload;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.testkit.KafkaBroker;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the scale benchmark scales: N lagging consumer groups on the broker (topics filled, offsets committed
 * half-way), N Deployments and ScaledWorkloads in the mock API server, and a steady trickle of arrivals.
 */
final class ScaleFixtures {

    private ScaleFixtures() {
    }

    static int countScaled(KubernetesClient client, Options o) {
        int scaled = 0;
        for (int n = 0; n < o.namespaces(); n++) {
            for (Deployment d : client.apps().deployments().inNamespace(namespace(n)).list().getItems()) {
                if (d.getSpec().getReplicas() != null && d.getSpec().getReplicas() > 0) {
                    scaled++;
                }
            }
        }
        return scaled;
    }

    static String namespace(int n) {
        return String.format(Locale.ROOT, "team-%02d", n);
    }

    static String group(int g) {
        return String.format(Locale.ROOT, "scale-group-%05d", g);
    }

    static Map<TopicPartition, Long> produceSome(KafkaBroker broker, List<String> topics, int partitions) {
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        Map<TopicPartition, Long> ends = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (String t : topics) {
                for (int p = 0; p < partitions; p++) {
                    int n = 10 + Math.floorMod((t + p).hashCode(), 40);
                    for (int i = 0; i < n; i++) {
                        producer.send(new ProducerRecord<>(t, p, null, new byte[16]));
                    }
                    ends.put(new TopicPartition(t, p), (long) n);
                }
            }
            producer.flush();
        }
        return ends;
    }

    /** Group g has committed half-way through every partition of topic g mod T: every group has lag. */
    static void commitHalfWay(Admin admin, Options o, List<String> topics, Map<TopicPartition, Long> ends)
            throws Exception {
        Semaphore inFlight = new Semaphore(50);
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        for (int g = 0; g < o.workloads(); g++) {
            String topic = topics.get(g % topics.size());
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (int p = 0; p < o.partitions(); p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                offsets.put(tp, new OffsetAndMetadata(ends.get(tp) / 2));
            }
            inFlight.acquire();
            commits.add(admin.alterConsumerGroupOffsets(group(g), offsets).all().toCompletionStage()
                    .toCompletableFuture().whenComplete((v, t) -> inFlight.release()));
        }
        CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    }

    static void createWorkloads(KubernetesClient client, Options o, String bootstrap, List<String> topics)
            throws Exception {
        for (int n = 0; n < o.namespaces(); n++) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace(n))
                    .endMetadata().build()).create();
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int g = 0; g < o.workloads(); g++) {
                int id = g;
                all.add(CompletableFuture.runAsync(() -> {
                    String ns = namespace(id % o.namespaces());
                    String name = String.format(Locale.ROOT, "fn-%05d", id);
                    client.apps().deployments().inNamespace(ns).resource(deployment(ns, name)).create();
                    client.resources(ScaledWorkload.class).inNamespace(ns).resource(workload(ns, name, bootstrap,
                            group(id), topics.get(id % topics.size()))).create();
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        } finally {
            pool.shutdown();
        }
    }

    static Deployment deployment(String ns, String name) {
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
                .addNewContainer().withName("fn").withImage("ebb/example-function:dev").endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    /** A typical workload: drain mode with a 60 s deadline, everything else the defaults. */
    static ScaledWorkload workload(String ns, String name, String bootstrap, String group, String topic) {
        ScaledWorkload sw = new ScaledWorkload();
        sw.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec("apps/v1", "Deployment", name));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers(bootstrap);
        kafka.setConsumerGroup(group);
        kafka.setTopics(List.of(topic));
        spec.setKafka(kafka);
        PolicySettings policy = new PolicySettings();
        policy.setMode("drain");
        policy.setDrainWithin("60s");
        policy.setMaxReplicas(10);
        spec.setPolicy(policy);
        sw.setSpec(spec);
        return sw;
    }

    /** A low, steady arrival rate over all topics while the scaler runs, so that rates and lag keep moving. */
    static final class Trickle implements AutoCloseable {
        private final KafkaBroker broker;
        private final List<String> topics;
        private final int perSecond;
        private Thread thread;
        private volatile boolean stop;

        Trickle(KafkaBroker broker, List<String> topics, int perSecond) {
            this.broker = broker;
            this.topics = topics;
            this.perSecond = perSecond;
        }

        void start() {
            if (perSecond == 0) {
                return;
            }
            thread = new Thread(this::run, "bench-scale-trickle");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            Map<String, Object> config = new HashMap<>(broker.clientConfig());
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.LINGER_MS_CONFIG, 100);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
                long i = 0;
                while (!stop) {
                    for (int n = 0; n < perSecond / 10; n++) {
                        producer.send(new ProducerRecord<>(topics.get((int) (i++ % topics.size())), new byte[16]));
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            if (thread != null) {
                thread.join(10_000);
            }
        }
    }
}
