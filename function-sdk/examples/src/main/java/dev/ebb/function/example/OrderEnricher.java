package dev.ebb.function.example;

import dev.ebb.function.Codecs;
import dev.ebb.function.ConfigException;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.Record;
import dev.ebb.function.WorkerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The example function of the demo and the benchmarks: reads JSON orders, emits enriched JSON.
 *
 * <p>Input: {@code {"orderId":"o-1","customerId":"c-7","items":[{"sku":"A-1","qty":2,"price":9.5}]}}. Output: the
 * order plus {@code total}, {@code itemCount}, {@code priority} ({@code "high"} from a total of 100) and
 * {@code enrichedAt}. An order without {@code orderId} or with a negative quantity is rejected (it ends in the
 * dead-letter topic).
 *
 * <p>{@code EBB_EXAMPLE_WORK=2ms} adds an artificial cost per record (a sleep, so it does not burn CPU): one
 * processing thread then handles at most about 500 records/s, which makes a worker's capacity predictable in demos.
 *
 * <p>Run as a worker process: {@code java -cp <classpath> dev.ebb.function.example.OrderEnricher}, configured with
 * the {@code EBB_*} environment variables of {@link WorkerConfig}.
 */
public final class OrderEnricher {
  public static final String WORK = "EBB_EXAMPLE_WORK";

  private OrderEnricher() {}

  public static void main(String[] args) {
    Duration work;
    try {
      work = workFrom(System.getenv());
    } catch (ConfigException e) {
      System.err.println("Invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    FunctionWorker.run(function(work));
  }

  /** Reads {@code EBB_EXAMPLE_WORK} (default 0). */
  public static Duration workFrom(Map<String, String> env) {
    String v = env.get(WORK);
    if (v == null || v.isBlank()) {
      return Duration.ZERO;
    }
    try {
      Duration d = WorkerConfig.parseDuration(v);
      if (d.isNegative()) {
        throw new IllegalArgumentException(v);
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(List.of("Invalid value " + v + " for " + WORK
          + ": must be a duration >= 0 such as 2ms"));
    }
  }

  /** The enricher with an artificial per-record cost (zero for none). */
  public static EbbFunction<Object, Object> function(Duration work) {
    long nanos = work.toNanos();
    return EbbFunction.of(Codecs.json(), Codecs.json(), record -> {
      if (nanos > 0) {
        LockSupport.parkNanos(nanos);
      }
      return enrich(record);
    });
  }

  static Map<String, Object> enrich(Record<Object> record) {
    if (!(record.value() instanceof Map<?, ?> order)) {
      throw new IllegalArgumentException("Order at " + record + " is not a JSON object");
    }
    Object id = order.get("orderId");
    if (id == null) {
      throw new IllegalArgumentException("Order at " + record + " has no orderId");
    }
    double total = 0;
    long count = 0;
    if (order.get("items") instanceof List<?> items) {
      for (Object o : items) {
        if (o instanceof Map<?, ?> item) {
          long qty = item.get("qty") instanceof Number n ? n.longValue() : 1;
          double price = item.get("price") instanceof Number n ? n.doubleValue() : 0;
          if (qty < 0) {
            throw new IllegalArgumentException("Order " + id + " has a negative quantity " + qty);
          }
          total += qty * price;
          count += qty;
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    order.forEach((k, v) -> out.put(String.valueOf(k), v));
    out.put("total", Math.round(total * 100) / 100.0);
    out.put("itemCount", count);
    out.put("priority", total >= 100 ? "high" : "normal");
    out.put("enrichedAt", Instant.now().toString());
    return out;
  }
}
