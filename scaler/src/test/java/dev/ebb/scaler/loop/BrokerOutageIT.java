package dev.ebb.scaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.scaler.lag.KafkaAdminLagSource;
import dev.ebb.scaler.policy.Observation;
import dev.ebb.scaler.workload.CatalogEntry;
import dev.ebb.scaler.workload.WorkloadCatalog;
import dev.ebb.scaler.workload.WorkloadId;
import dev.ebb.scaler.workload.WorkloadSpecMapper;
import dev.ebb.scaler.workload.spec.KafkaSpec;
import dev.ebb.scaler.workload.spec.PolicySettings;
import dev.ebb.scaler.workload.spec.ScaleTargetRefSpec;
import dev.ebb.scaler.workload.spec.ScaledWorkloadSpec;
import dev.ebb.testkit.KafkaBroker;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The whole loop (real lag source, real broker) through a broker outage: while the broker is down the scaler holds the
 * replicas it has (never zero on missing data) and keeps deciding; once the broker is back it observes the same lag
 * again. Outcome-based: it waits for events (three decisions on missing data, a decision with lag), never counts what
 * happened within a wall-clock window.
 */
class BrokerOutageIT {

    private static final String TOPIC = "outage";
    /**
     * Decisions on missing data to wait for during the outage: enough to show the loop keeps polling (each one waits
     * out Admin timeouts and reconnect backoff), counted as they happen rather than within a wall-clock window.
     */
    private static final int UNAVAILABLE_POLLS = 3;

    @Test
    void holdsReplicasWhileTheBrokerIsDownAndObservesAgainOnceItIsBack() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start()) {
            broker.createTopic(TOPIC, 4);
            produce(broker, 400);
            try (Admin admin = Admin.create(broker.clientConfig())) {
                Map<TopicPartition, OffsetAndMetadata> none = new java.util.HashMap<>();
                for (int p = 0; p < 4; p++) {
                    none.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(0));
                }
                admin.alterConsumerGroupOffsets("g-outage", none).all().get(30, TimeUnit.SECONDS);
            }
            List<DecisionEvent> decisions = new CopyOnWriteArrayList<>();
            RecordingScaleTarget target = new RecordingScaleTarget();
            target.put("outage-fn", 0);
            CatalogEntry entry = entry(broker.bootstrapServers());
            assertThat(entry).isInstanceOf(CatalogEntry.Valid.class);
            WorkloadCatalog catalog = () -> List.of(entry);
            Vertx vertx = Vertx.vertx();
            ScalerLoop loop = new ScalerLoop(vertx, catalog, (key, config) -> new KafkaAdminLagSource(config), target,
                    Clock.systemUTC(), new DecisionListener() {
                        @Override
                        public void onDecision(DecisionEvent event) {
                            decisions.add(event);
                        }
                    }).start();
            try {
                awaitTrue(() -> target.replicas("outage-fn") == 4, Duration.ofSeconds(60));

                broker.kill();
                int atKill = decisions.size();
                // The loop keeps deciding while the broker is down: wait for three decisions on missing data (each
                // waits out the lag source's API timeout), however long the machine takes for them.
                awaitTrue(() -> decisions.subList(atKill, decisions.size()).stream()
                        .filter(d -> d.observation() instanceof Observation.Unavailable).count() >= UNAVAILABLE_POLLS,
                        Duration.ofSeconds(180));
                List<DecisionEvent> duringOutage = List.copyOf(decisions.subList(atKill, decisions.size()));

                broker.restart();
                int atReturn = decisions.size();
                awaitTrue(() -> decisions.subList(atReturn, decisions.size()).stream()
                        .anyMatch(d -> d.observation() instanceof Observation.Lag), Duration.ofSeconds(120));
                List<DecisionEvent> afterReturn = List.copyOf(decisions.subList(atReturn, decisions.size()));

                // Once the outage was seen, every decision held the replicas the target had: never zero, never a
                // scale request on missing data.
                List<DecisionEvent> sinceSeen = duringOutage.stream()
                        .dropWhile(d -> !(d.observation() instanceof Observation.Unavailable)).toList();
                assertThat(sinceSeen).as("decisions once the outage was seen").hasSizeGreaterThanOrEqualTo(
                        UNAVAILABLE_POLLS).allSatisfy(d -> {
                            assertThat(d.observation()).isInstanceOf(Observation.Unavailable.class);
                            assertThat(d.decision().desiredReplicas()).isEqualTo(4);
                        });
                assertThat(afterReturn.stream().takeWhile(d -> !(d.observation() instanceof Observation.Lag)))
                        .as("decisions after the return, before lag was seen again")
                        .allSatisfy(d -> assertThat(d.decision().desiredReplicas()).isEqualTo(4));
                assertThat(target.requests).as("no scale request on missing data")
                        .allSatisfy(r -> assertThat(r.replicas()).isEqualTo(4));
                assertThat(target.replicas("outage-fn")).isEqualTo(4);
                Observation.Lag lag = afterReturn.stream().map(DecisionEvent::observation)
                        .filter(Observation.Lag.class::isInstance).map(Observation.Lag.class::cast)
                        .findFirst().orElseThrow();
                assertThat(lag.totalLag()).isEqualTo(400);
            } finally {
                loop.stopAndWait(Duration.ofSeconds(10));
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    private static CatalogEntry entry(String bootstrap) {
        ScaledWorkloadSpec spec = new ScaledWorkloadSpec();
        spec.setScaleTargetRef(new ScaleTargetRefSpec("apps/v1", "Deployment", "outage-fn"));
        KafkaSpec kafka = new KafkaSpec();
        kafka.setBootstrapServers(bootstrap);
        kafka.setConsumerGroup("g-outage");
        kafka.setTopics(List.of(TOPIC));
        spec.setKafka(kafka);
        PolicySettings policy = new PolicySettings();
        policy.setMode("threshold");
        policy.setLagThreshold(100L);
        policy.setMaxReplicas(4);
        spec.setPolicy(policy);
        return WorkloadSpecMapper.map(new WorkloadId("shop", "outage"), spec, Map.of(), "plain", Map.of());
    }

    private static void produce(KafkaBroker broker, int count) throws Exception {
        Map<String, Object> config = new java.util.HashMap<>(broker.clientConfig());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 4, null, "r" + i));
            }
            producer.flush();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
