package dev.ebb.function.example.pipeline;

import dev.ebb.function.Codecs;
import dev.ebb.function.ConfigException;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.Record;
import dev.ebb.function.example.OrderEnricher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Stage 3 of the example event pipeline (ingest → enrich → store): consumes enriched orders (e.g. from
 * {@code orders-enriched}) and "stores" each one by handing its {@code orderId} to a sink. It emits nothing (set no
 * {@code EBB_OUTPUT_TOPIC}); the stored record counts once its offset is committed, so a worker that dies before the
 * commit stores the record again (at-least-once: the sink must tolerate repeats, as an upsert by id does).
 *
 * <p>As a worker process ({@code java -cp <classpath> dev.ebb.function.example.pipeline.OrderStore}) the sink appends
 * one line {@code orderId total} per order to the file named by {@code EBB_STORE_FILE}, or only acknowledges when it is
 * not set. An order without {@code orderId} is rejected (dead-letter topic).
 */
public final class OrderStore {
  public static final String STORE_FILE = "EBB_STORE_FILE";

  private OrderStore() {}

  public static void main(String[] args) {
    Duration work;
    try {
      work = OrderEnricher.workFrom(System.getenv());
    } catch (ConfigException e) {
      System.err.println("Invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    String file = System.getenv(STORE_FILE);
    Consumer<String> sink = file == null || file.isBlank() ? id -> { } : appendTo(Path.of(file));
    FunctionWorker.run(function(work, sink));
  }

  /** A sink appending one line per stored order to this file (created when missing). */
  public static Consumer<String> appendTo(Path file) {
    return line -> {
      try {
        synchronized (OrderStore.class) {
          Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /**
   * The store stage: every order's {@code orderId} (followed by a space and its {@code total} when it has one) goes
   * to {@code sink}; a sink that throws fails the attempt (retried, then dead-lettered). Emits nothing.
   */
  public static EbbFunction<Object, Object> function(Duration work, Consumer<String> sink) {
    long nanos = work.toNanos();
    return EbbFunction.of(Codecs.json(), Codecs.json(), record -> {
      if (nanos > 0) {
        LockSupport.parkNanos(nanos);
      }
      sink.accept(line(record));
      return null;
    });
  }

  static String line(Record<Object> record) {
    if (!(record.value() instanceof Map<?, ?> order) || !(order.get("orderId") instanceof String id)
        || id.isBlank()) {
      throw new IllegalArgumentException("Order at " + record + " has no orderId");
    }
    Object total = order.get("total");
    return total instanceof Number n ? id + " " + n : id;
  }

  /** The order id of a line made by this stage. */
  public static String orderId(String line) {
    int space = line.indexOf(' ');
    return space < 0 ? line : line.substring(0, space);
  }
}
