package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.Codecs;
import dev.ebb.function.DeadLetterHeaders;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.internal.Json;
import dev.ebb.function.example.OrderEnricher;
import dev.ebb.function.testing.FunctionTestHarness;
import dev.ebb.function.testing.FunctionTestHarness.DeadLetter;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries, dead letters and the test harness itself, on the shared broker. */
@ExtendWith(KafkaBrokerExtension.class)
class FailureHandlingIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final KafkaBroker broker;

  FailureHandlingIT(KafkaBroker broker) {
    this.broker = broker;
  }

  @Test
  void retriesPoisonRecordThenDeadLettersItWithHeadersAndMovesOn() {
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    EbbFunction<String, String> fn = EbbFunction.of(Codecs.string(), Codecs.string(), r -> {
      attempts.computeIfAbsent(r.value(), k -> new AtomicInteger()).incrementAndGet();
      if (r.value().startsWith("poison")) {
        throw new IllegalStateException("boom on " + r.value());
      }
      return r.value().toUpperCase();
    });
    try (var harness = FunctionTestHarness.start(fn, broker.bootstrapServers(), 1, b -> b.retries(3))) {
      harness.send("a", "a");
      harness.send("p", "poison-1");
      harness.send("b", "b");

      assertThat(harness.awaitOutputs(2, WAIT)).containsExactly("A", "B");
      List<DeadLetter> dead = harness.awaitDeadLetters(1, WAIT);
      assertThat(dead).hasSize(1);
      DeadLetter d = dead.get(0);
      assertThat(d.key()).isEqualTo("p");
      assertThat(d.valueAsString()).isEqualTo("poison-1");
      assertThat(d.headers())
          .containsEntry(DeadLetterHeaders.TOPIC, harness.inputTopic())
          .containsEntry(DeadLetterHeaders.PARTITION, "0")
          .containsEntry(DeadLetterHeaders.OFFSET, "1")
          .containsEntry(DeadLetterHeaders.ERROR_CLASS, IllegalStateException.class.getName())
          .containsEntry(DeadLetterHeaders.ERROR_MESSAGE, "boom on poison-1")
          .containsEntry(DeadLetterHeaders.ATTEMPTS, "4");
      assertThat(attempts.get("poison-1")).hasValue(4);
      assertThat(harness.worker().stats().retried()).isEqualTo(3);
      assertThat(harness.worker().stats().deadLettered()).isEqualTo(1);
    }
  }

  @Test
  void deadLettersUndecodableValueWithoutRetrying() {
    try (var harness = FunctionTestHarness.start(OrderEnricher.function(Duration.ZERO), broker.bootstrapServers())) {
      harness.sendRaw("bad", "{not json".getBytes(StandardCharsets.UTF_8));
      harness.send("o-1", Json.parse("{\"orderId\":\"o-1\",\"items\":[{\"sku\":\"A\",\"qty\":2,\"price\":60}]}"));

      List<Object> out = harness.awaitOutputs(1, WAIT);
      assertThat(out).hasSize(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> order = (Map<String, Object>) out.get(0);
      assertThat(order).containsEntry("orderId", "o-1").containsEntry("total", 120.0)
          .containsEntry("itemCount", 2L).containsEntry("priority", "high");
      DeadLetter d = harness.awaitDeadLetters(1, WAIT).get(0);
      assertThat(d.headers()).containsEntry(DeadLetterHeaders.ATTEMPTS, "1")
          .containsEntry(DeadLetterHeaders.ERROR_CLASS, IllegalArgumentException.class.getName());
      assertThat(harness.worker().stats().retried()).isZero();
    }
  }

  @Test
  void batchFunctionIsolatesThePoisonRecordByRetryingOneAtATime() {
    List<Integer> batchSizes = new ArrayList<>();
    EbbFunction<String, String> fn = EbbFunction.batch(Codecs.string(), Codecs.string(), records -> {
      synchronized (batchSizes) {
        batchSizes.add(records.size());
      }
      List<String> out = new ArrayList<>();
      for (var r : records) {
        if (r.value().startsWith("poison")) {
          throw new IllegalArgumentException("poison in batch");
        }
        out.add(r.value() + "!");
      }
      return out;
    });
    try (var harness = FunctionTestHarness.start(fn, broker.bootstrapServers(), 1, b -> b.retries(1))) {
      // Sent before the worker's first fetch is likely done, so several land in one batch; either way the
      // outcome per record is the same.
      for (String v : List.of("a", "b", "poison-x", "c")) {
        harness.send(v, v);
      }
      assertThat(harness.awaitOutputs(3, WAIT)).containsExactlyInAnyOrder("a!", "b!", "c!");
      assertThat(harness.awaitDeadLetters(1, WAIT)).extracting(DeadLetter::valueAsString).containsExactly("poison-x");
    }
  }

  /** The example of the README, kept compiling and passing here. */
  @Test
  void readmeExampleUpperCasesAndDeadLettersPoison() {
    EbbFunction<String, String> upper = EbbFunction.of(Codecs.string(), Codecs.string(), r -> {
      if (r.value().isEmpty()) {
        throw new IllegalArgumentException("empty");
      }
      return r.value().toUpperCase();
    });
    try (var harness = FunctionTestHarness.start(upper, broker.bootstrapServers())) {
      harness.send("k1", "hello");
      harness.send("k2", "");
      assertThat(harness.awaitOutputs(1, Duration.ofSeconds(10))).containsExactly("HELLO");
      assertThat(harness.awaitDeadLetters(1, Duration.ofSeconds(10)).get(0).headers())
          .containsEntry(DeadLetterHeaders.ATTEMPTS, "3");
    }
  }

  @Test
  void deadLettersARecordTooLargeForTheProducerTruncatedInsteadOfStopping() {
    EbbFunction<String, String> fn = EbbFunction.of(Codecs.string(), Codecs.string(), r -> {
      if (r.value().startsWith("poison")) {
        throw new IllegalStateException("cannot process");
      }
      return r.value().toUpperCase();
    });
    // The input topic takes 50 kB records; the worker's producer sends at most 20 kB.
    try (var harness = FunctionTestHarness.start(fn, broker.bootstrapServers(), 1,
        b -> b.retries(0).kafka("max.request.size", "20000"))) {
      String big = "poison-" + "x".repeat(50_000);
      harness.send("a", "a");
      harness.send("big", big);
      harness.send("b", "b");

      assertThat(harness.awaitOutputs(2, WAIT)).containsExactly("A", "B");
      DeadLetter d = harness.awaitDeadLetters(1, WAIT).get(0);
      assertThat(d.key()).isEqualTo("big");
      assertThat(d.headers()).containsEntry(DeadLetterHeaders.TRUNCATED, Integer.toString(big.length()))
          .containsEntry(DeadLetterHeaders.OFFSET, "1");
      assertThat(d.value().length).isPositive().isLessThan(20_000);
      assertThat(big).startsWith(d.valueAsString());
      assertThat(harness.worker().termination().toCompletableFuture().isDone()).as("worker still running").isFalse();
    }
  }
}
