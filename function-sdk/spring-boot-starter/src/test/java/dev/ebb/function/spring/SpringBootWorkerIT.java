package dev.ebb.function.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.DeadLetterHeaders;
import dev.ebb.function.WorkerStats;
import dev.ebb.function.spring.example.UppercaseWorkerApplication;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The example Spring Boot worker against a real broker: outputs, dead letters, drain on context close. */
@ExtendWith(KafkaBrokerExtension.class)
class SpringBootWorkerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final KafkaBroker broker;

  SpringBootWorkerIT(KafkaBroker broker) {
    this.broker = broker;
  }

  /** Topic names of one test. */
  private record Topics(String in, String out, String dlq, String group) {
    static Topics unique(String prefix) {
      String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
      return new Topics(id, id + ".upper", id + ".dlq", id + "-group");
    }
  }

  private ConfigurableApplicationContext startApp(Topics t, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--ebb.function.bootstrap-servers=" + broker.bootstrapServers(),
        "--ebb.function.topics=" + t.in(),
        "--ebb.function.group=" + t.group(),
        "--ebb.function.output-topic=" + t.out(),
        "--ebb.function.dlq-topic=" + t.dlq(),
        "--ebb.function.worker-id=" + t.group() + "-" + UUID.randomUUID().toString().substring(0, 4),
        // Health over JMX so that the actuator's HealthEndpoint exists in this non-web application.
        "--spring.jmx.enabled=true", "--spring.jmx.unique-names=true",
        "--management.endpoints.jmx.exposure.include=health"));
    args.addAll(List.of(extra));
    return new SpringApplicationBuilder(UppercaseWorkerApplication.class).web(WebApplicationType.NONE)
        .run(args.toArray(String[]::new));
  }

  @Test
  void functionBeanOutputsGoToTheOutputTopicAndAFailingRecordToTheDeadLetterTopic() {
    Topics t = Topics.unique("spring-words");
    broker.createTopic(t.in(), 2);
    try (ConfigurableApplicationContext app = startApp(t);
         KafkaProducer<String, String> producer = producer()) {
      EbbFunctionWorker worker = app.getBean(EbbFunctionWorker.class);
      assertThat(worker.functionBean()).isEqualTo("uppercase");
      assertThat(worker.config().retries()).isEqualTo(2); // from application.yaml
      await(() -> worker.state() == EbbFunctionWorker.State.READY, "worker ready");

      for (String v : List.of("alpha", "poison-1", "beta", "gamma")) {
        producer.send(new ProducerRecord<>(t.in(), v, v));
      }
      producer.flush();

      List<ConsumerRecord<String, String>> out = readUntil(t.out(), rs -> rs.size() >= 3);
      assertThat(out).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("ALPHA", "BETA", "GAMMA");
      assertThat(out).allSatisfy(r -> assertThat(r.value()).isEqualTo(r.key().toUpperCase()));

      List<ConsumerRecord<String, String>> dead = readUntil(t.dlq(), rs -> !rs.isEmpty());
      assertThat(dead).singleElement().satisfies(d -> {
        assertThat(d.key()).isEqualTo("poison-1");
        assertThat(d.value()).isEqualTo("poison-1");
        assertThat(header(d, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
        assertThat(header(d, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("cannot uppercase poison-1");
        assertThat(header(d, DeadLetterHeaders.TOPIC)).isEqualTo(t.in());
      });

      await(() -> worker.stats().processed() == 3 && worker.stats().deadLettered() == 1, "stats caught up");
      HealthComponent health = app.getBean(HealthEndpoint.class).healthForPath("ebbFunction");
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(app.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.UP);

      MeterRegistry meters = app.getBean(MeterRegistry.class);
      assertThat(meters.get("ebb.records.processed").functionCounter().count()).isEqualTo(3.0);
      assertThat(meters.get("ebb.records.dead.lettered").functionCounter().count()).isEqualTo(1.0);
      assertThat(meters.get("ebb.records.retried").functionCounter().count()).isEqualTo(2.0);
      assertThat(meters.get("ebb.assigned.partitions").gauge().value()).isEqualTo(2.0);
      // What /actuator/prometheus serves: the SDK's own metric names.
      String scrape = app.getBean(PrometheusMeterRegistry.class).scrape();
      assertThat(scrape.lines()).anyMatch(l -> l.matches("ebb_records_processed_total(\\{.*})? 3\\.0"))
          .anyMatch(l -> l.matches("ebb_records_dead_lettered_total(\\{.*})? 1\\.0"))
          .anyMatch(l -> l.startsWith("ebb_busy_seconds_total"))
          .anyMatch(l -> l.startsWith("ebb_busy_ratio"))
          .anyMatch(l -> l.matches("ebb_assigned_partitions(\\{.*})? 2\\.0"));
    }
  }

  @Test
  void closingTheContextDrainsCommitsAndLosesNothing() throws Exception {
    Topics t = Topics.unique("spring-drain");
    broker.createTopic(t.in(), 3);
    int total = 300;
    List<String> ids = new ArrayList<>();
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < total; i++) {
        String id = "w" + i;
        producer.send(new ProducerRecord<>(t.in(), id, id));
        ids.add(id);
      }
      producer.flush();
    }

    // First instance: slow, with few records in flight, so the backlog is far from done when the context closes
    // (as on SIGTERM) while some records are still being processed.
    EbbFunctionWorker first;
    try (ConfigurableApplicationContext app = startApp(t, "--example.work=20ms", "--ebb.function.concurrency=3",
        "--ebb.function.max-in-flight=20", "--ebb.function.kafka.max.poll.records=10")) {
      first = app.getBean(EbbFunctionWorker.class);
      await(() -> first.stats().processed() >= 30, "first instance processed some records");
    }
    WorkerStats drained = first.stats();
    assertThat(first.isRunning()).isFalse();
    assertThat(first.state()).isEqualTo(EbbFunctionWorker.State.STOPPED);
    assertThat(drained.inFlight()).isZero();
    assertThat(drained.abandoned()).isZero();
    assertThat(drained.processed()).isLessThan(total);
    // Everything the first instance finished was committed before it left the group, and nothing beyond it.
    assertThat(committed(t.group())).isEqualTo(drained.processed());

    // Second instance of the same group takes over from the committed offsets.
    try (ConfigurableApplicationContext app = startApp(t)) {
      EbbFunctionWorker second = app.getBean(EbbFunctionWorker.class);
      await(() -> second.stats().processed() >= total - drained.processed(), "second instance finished");
      List<ConsumerRecord<String, String>> out = readUntil(t.out(), rs -> rs.size() >= total);
      Map<String, Integer> counts = new HashMap<>();
      out.forEach(r -> counts.merge(r.value(), 1, Integer::sum));
      assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(ids.stream().map(String::toUpperCase).toList());
      assertThat(counts.values()).as("a graceful drain re-delivers nothing").containsOnly(1);
      assertThat(second.stats().processed()).isEqualTo(total - drained.processed());
    }
  }

  @Test
  void aFatalErrorTurnsHealthDownAndLivenessBrokenWithoutCommitting() throws Exception {
    Topics t = Topics.unique("spring-fatal");
    broker.createTopic(t.in(), 1);
    // The producer refuses records above 200 bytes: the output send fails for good, which stops the SDK's worker.
    try (ConfigurableApplicationContext app = startApp(t, "--ebb.function.kafka.max.request.size=200");
         KafkaProducer<String, String> producer = producer()) {
      EbbFunctionWorker worker = app.getBean(EbbFunctionWorker.class);
      assertThat(app.getBean(ApplicationAvailability.class).getLivenessState()).isEqualTo(LivenessState.CORRECT);
      String big = "x".repeat(1_000);
      producer.send(new ProducerRecord<>(t.in(), "big", big));
      producer.flush();

      await(() -> worker.state() == EbbFunctionWorker.State.FAILED, "worker failed");
      assertThat(worker.isRunning()).isFalse();
      await(() -> app.getBean(ApplicationAvailability.class).getLivenessState() == LivenessState.BROKEN,
          "liveness broken");
      HealthComponent health = app.getBean(HealthEndpoint.class).healthForPath("ebbFunction");
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(((org.springframework.boot.actuate.health.Health) health).getDetails())
          .containsEntry("state", "FAILED").containsKey("error");
      assertThat(committed(t.group())).as("nothing committed: the record is delivered again").isZero();
    }
  }

  private long committed(String group) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }

  private KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(p);
  }

  private List<ConsumerRecord<String, String>> readUntil(String topic,
                                                         Predicate<List<ConsumerRecord<String, String>>> done) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline && !done.test(out)) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // A little longer, so that a duplicate or an extra record would show.
      long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < settle) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private static String header(ConsumerRecord<?, ?> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
