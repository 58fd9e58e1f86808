package dev.ebb.function.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.function.Codecs;
import dev.ebb.function.DeadLetterHeaders;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.testing.FunctionTestHarness;
import dev.ebb.function.testing.FunctionTestHarness.DeadLetter;
import dev.ebb.testkit.KafkaBroker;
import dev.ebb.testkit.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link Error}s thrown by user code: non-fatal ones fail the record, fatal ones stop the worker. */
@ExtendWith(KafkaBrokerExtension.class)
class ErrorHandlingIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final KafkaBroker broker;

  ErrorHandlingIT(KafkaBroker broker) {
    this.broker = broker;
  }

  private static String throwFor(String v) {
    switch (v) {
      case "so" -> throw new StackOverflowError("deep");
      case "assert" -> throw new AssertionError("invariant");
      case "ncdf" -> throw new NoClassDefFoundError("com/example/Missing");
      case "oom" -> throw new OutOfMemoryError("test heap");
      default -> {
        return v.toUpperCase();
      }
    }
  }

  @Test
  void nonFatalErrorsAreRetriedThenDeadLetteredAndThePartitionMovesOn() {
    EbbFunction<String, String> fn = EbbFunction.of(Codecs.string(), Codecs.string(), r -> throwFor(r.value()));
    try (var harness = FunctionTestHarness.start(fn, broker.bootstrapServers(), 1, b -> b.retries(1))) {
      for (String v : List.of("a", "so", "b", "assert", "c", "ncdf", "d")) {
        harness.send(v, v);
      }
      assertThat(harness.awaitOutputs(4, WAIT)).containsExactly("A", "B", "C", "D");
      List<DeadLetter> dead = harness.awaitDeadLetters(3, WAIT);
      assertThat(dead).extracting(d -> d.headers().get(DeadLetterHeaders.ERROR_CLASS)).containsExactly(
          StackOverflowError.class.getName(), AssertionError.class.getName(), NoClassDefFoundError.class.getName());
      assertThat(dead).allSatisfy(d -> assertThat(d.headers()).containsEntry(DeadLetterHeaders.ATTEMPTS, "2"));
      assertThat(harness.worker().stats().retried()).isEqualTo(3);
      assertThat(harness.worker().stats().inFlight()).isZero();
    }
  }

  @Test
  void batchFunctionErrorsIsolateThePoisonRecord() {
    EbbFunction<String, String> fn = EbbFunction.batch(Codecs.string(), Codecs.string(), rs -> {
      List<String> out = new ArrayList<>();
      for (var r : rs) {
        out.add(throwFor(r.value()));
      }
      return out;
    });
    try (var harness = FunctionTestHarness.start(fn, broker.bootstrapServers(), 1, b -> b.retries(0))) {
      for (String v : List.of("a", "assert", "b")) {
        harness.send(v, v);
      }
      assertThat(harness.awaitOutputs(2, WAIT)).containsExactly("A", "B");
      assertThat(harness.awaitDeadLetters(1, WAIT)).extracting(d -> d.key()).containsExactly("assert");
    }
  }

  @Test
  void fatalErrorStopsTheWorkerWithThatError() throws Exception {
    EbbFunction<String, String> fn = EbbFunction.of(Codecs.string(), Codecs.string(), r -> throwFor(r.value()));
    try (var harness = FunctionTestHarness.start(fn, broker.bootstrapServers(), 1, b -> b.retries(3))) {
      harness.send("a", "a");
      harness.send("oom", "oom");
      harness.send("b", "b");
      Throwable failure = null;
      try {
        harness.worker().termination().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        failure = e.getCause();
      }
      assertThat(failure).as("worker stopped on the fatal error").isInstanceOf(OutOfMemoryError.class);
      assertThat(harness.worker().isReady()).isFalse();
      // Not retried and not dead-lettered: a fatal error is not the record's fault.
      assertThat(harness.worker().stats().retried()).isZero();
      assertThat(harness.awaitDeadLetters(1, Duration.ofSeconds(2))).isEmpty();
    } catch (CompletionException ignored) {
      // close() after a failed worker
    }
  }
}
