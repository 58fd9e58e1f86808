package dev.ebb.function.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.spring.example.UppercaseWorkerApplication;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
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

/**
 * The example Spring Boot worker as its own JVM, stopped with SIGTERM mid-backlog: Spring Boot's shutdown hook
 * closes the context, the worker drains, and what it produced is exactly what it committed.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SpringBootSigtermIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final KafkaBroker broker;

  SpringBootSigtermIT(KafkaBroker broker) {
    this.broker = broker;
  }

  @Test
  void sigtermDrainsAndCommitsEverythingTheWorkerProduced() throws Exception {
    String id = "spring-term-" + UUID.randomUUID().toString().substring(0, 8);
    String in = id;
    String out = id + ".upper";
    String group = id + "-group";
    broker.createTopic(in, 3);
    int total = 300;
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < total; i++) {
        producer.send(new ProducerRecord<>(in, "t" + i, "t" + i));
      }
      producer.flush();
    }

    Path classes = Path.of(SpringBootSigtermIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path log = Files.createDirectories(classes.getParent().resolve("worker-logs")).resolve(id + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), UppercaseWorkerApplication.class.getName(),
        "--ebb.function.bootstrap-servers=" + broker.bootstrapServers(), "--ebb.function.topics=" + in,
        "--ebb.function.group=" + group, "--ebb.function.output-topic=" + out,
        "--ebb.function.dlq-topic=" + id + ".dlq", "--ebb.function.worker-id=" + id,
        "--ebb.function.concurrency=3", "--ebb.function.max-in-flight=20",
        "--ebb.function.kafka.max.poll.records=10", "--example.work=20ms");
    pb.environment().keySet().removeIf(k -> k.startsWith("EBB_"));
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process worker = pb.start();
    try {
      List<ConsumerRecord<String, String>> early = read(out, 30, WAIT);
      assertThat(early).as("outputs before SIGTERM (log: %s)", log).hasSizeGreaterThanOrEqualTo(30);

      worker.destroy(); // SIGTERM
      assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("worker exited after SIGTERM").isTrue();

      String text = Files.readString(log);
      assertThat(text).contains("Ebb function worker " + id + " drained and stopped");
      long committed = committed(group);
      assertThat(committed).isGreaterThanOrEqualTo(30).isLessThan(total);
      List<ConsumerRecord<String, String>> outputs = read(out, (int) committed, WAIT);
      assertThat(outputs).as("every committed record has its output, and no output is uncommitted")
          .hasSize((int) committed);
      assertThat(outputs.stream().map(ConsumerRecord::value).distinct().count()).isEqualTo(committed);
    } finally {
      worker.destroyForcibly();
      worker.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private long committed(String group) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
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

  /** Reads from the start until at least {@code n} records, then one more second so that extras would show. */
  private List<ConsumerRecord<String, String>> read(String topic, int n, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (got.size() < n && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
      long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (System.nanoTime() < settle) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
    }
    return got;
  }
}
