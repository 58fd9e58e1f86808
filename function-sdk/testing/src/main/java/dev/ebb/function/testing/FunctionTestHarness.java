package dev.ebb.function.testing;

import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.ProcessingGuarantee;
import dev.ebb.function.RunningWorker;
import dev.ebb.function.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Runs a function against a real broker in a test: creates fresh input, output and dead-letter topics, starts one
 * worker, lets the test send inputs and wait for outputs and dead letters. Needs only bootstrap servers, e.g. from
 * the Ebb testkit's {@code KafkaBroker}.
 *
 * <pre>{@code
 * try (var harness = FunctionTestHarness.start(myFunction, broker.bootstrapServers())) {
 *   harness.send("k1", "hello");
 *   assertThat(harness.awaitOutputs(1, Duration.ofSeconds(10))).containsExactly("HELLO");
 * }
 * }</pre>
 */
public final class FunctionTestHarness<I, O> implements AutoCloseable {
  private final EbbFunction<I, O> function;
  private final String bootstrap;
  private final String input;
  private final String output;
  private final String dlq;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> outputReader;
  private final KafkaConsumer<byte[], byte[]> dlqReader;
  private final List<O> outputs = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private final RunningWorker worker;

  /** A dead-lettered record: its key and value as sent, and its headers as text. */
  public record DeadLetter(String key, byte[] value, Map<String, String> headers) {
    public String valueAsString() {
      return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
  }

  private FunctionTestHarness(EbbFunction<I, O> function, String bootstrap, int partitions,
                              UnaryOperator<WorkerConfig.Builder> customize) {
    this.function = function;
    this.bootstrap = bootstrap;
    String id = UUID.randomUUID().toString().substring(0, 8);
    this.input = "harness-in-" + id;
    this.output = "harness-out-" + id;
    this.dlq = "harness-dlq-" + id;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(input, partitions, (short) 1), new NewTopic(output, 1, (short) 1),
          new NewTopic(dlq, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("Cannot create the harness topics on " + bootstrap + ": " + e, e);
    }
    WorkerConfig config = customize.apply(WorkerConfig.builder()
        .bootstrapServers(bootstrap)
        .topics(input)
        .group("harness-group-" + id)
        .outputTopic(output)
        .dlqTopic(dlq)
        .retries(2)
        .retryBackoff(Duration.ofMillis(10))
        .retryBackoffMax(Duration.ofMillis(100))
        .commitInterval(Duration.ofMillis(200))
        .shutdownGrace(Duration.ofSeconds(10))
        .httpOff()
        .workerId("harness-" + id)).build();
    boolean readCommitted = config.guarantee() == ProcessingGuarantee.EXACTLY_ONCE;
    this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    this.outputReader = reader(output, readCommitted);
    this.dlqReader = reader(dlq, readCommitted);
    this.worker = FunctionWorker.start(function, config);
  }

  /** A harness with a 1-partition input topic and the default test settings (2 retries, 10 ms backoff). */
  public static <I, O> FunctionTestHarness<I, O> start(EbbFunction<I, O> function, String bootstrapServers) {
    return start(function, bootstrapServers, 1, UnaryOperator.identity());
  }

  /**
   * A harness with {@code partitions} input partitions whose worker settings the caller may change, e.g.
   * {@code b -> b.retries(0).concurrency(4)}.
   */
  public static <I, O> FunctionTestHarness<I, O> start(EbbFunction<I, O> function, String bootstrapServers,
      int partitions, UnaryOperator<WorkerConfig.Builder> customize) {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    return new FunctionTestHarness<>(function, bootstrapServers, partitions, customize);
  }

  private KafkaConsumer<byte[], byte[]> reader(String topic, boolean readCommitted) {
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    TopicPartition tp = new TopicPartition(topic, 0);
    c.assign(List.of(tp));
    c.seekToBeginning(List.of(tp));
    return c;
  }

  /** Sends one input, encoded with the function's input codec, and waits for the broker's acknowledgement. */
  public void send(String key, I value) {
    sendRaw(key, function.inputCodec().encode(value));
  }

  /** Sends raw bytes as an input value, e.g. a value the input codec cannot decode. */
  public void sendRaw(String key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(input, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("Cannot send to " + input + ": " + e, e);
    }
  }

  /**
   * Waits until at least {@code count} outputs arrived (or the timeout) and returns all outputs so far, decoded,
   * in topic order.
   */
  public List<O> awaitOutputs(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (outputs.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : outputReader.poll(Duration.ofMillis(50))) {
        outputs.add(function.outputCodec().decode(r.value()));
      }
    }
    return List.copyOf(outputs);
  }

  /** Waits until at least {@code count} dead letters arrived (or the timeout) and returns all so far. */
  public List<DeadLetter> awaitDeadLetters(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (deadLetters.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : dlqReader.poll(Duration.ofMillis(50))) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
          headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        deadLetters.add(new DeadLetter(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
            r.value(), headers));
      }
    }
    return List.copyOf(deadLetters);
  }

  public RunningWorker worker() {
    return worker;
  }

  public String inputTopic() {
    return input;
  }

  public String outputTopic() {
    return output;
  }

  public String deadLetterTopic() {
    return dlq;
  }

  /** Drains and stops the worker, closes the clients and deletes the topics. */
  @Override
  public void close() {
    worker.close();
    producer.close(Duration.ofSeconds(5));
    outputReader.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    dlqReader.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.deleteTopics(List.of(input, output, dlq)).all().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      // Leftover topics only cost disk in a test broker.
    }
  }
}
