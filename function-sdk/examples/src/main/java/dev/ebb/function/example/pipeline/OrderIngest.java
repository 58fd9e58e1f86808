package dev.ebb.function.example.pipeline;

import dev.ebb.function.Codecs;
import dev.ebb.function.ConfigException;
import dev.ebb.function.EbbFunction;
import dev.ebb.function.FunctionWorker;
import dev.ebb.function.Record;
import dev.ebb.function.example.OrderEnricher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Stage 1 of the example event pipeline (ingest → enrich → store): reads raw orders (e.g. from {@code orders-raw}),
 * validates and normalizes them and writes them on (e.g. to {@code orders}, the input of {@link OrderEnricher}).
 *
 * <p>Normalizing: {@code orderId} and {@code customerId} trimmed, SKUs trimmed and upper-cased, a missing quantity is
 * 1, fields other than {@code orderId}, {@code customerId} and {@code items} are dropped. Rejected (they end in the
 * dead-letter topic): not a JSON object, a blank or missing {@code orderId}, an item that is not an object, a quantity
 * that is not a whole number {@code >= 0}, a price that is not a number {@code >= 0}.
 *
 * <p>Run as a worker process: {@code java -cp <classpath> dev.ebb.function.example.pipeline.OrderIngest}, configured
 * with the {@code EBB_*} environment variables ({@code EBB_EXAMPLE_WORK} as for {@link OrderEnricher}).
 */
public final class OrderIngest {

  private OrderIngest() {}

  public static void main(String[] args) {
    Duration work;
    try {
      work = OrderEnricher.workFrom(System.getenv());
    } catch (ConfigException e) {
      System.err.println("Invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    FunctionWorker.run(function(work));
  }

  /** The ingest stage with an artificial per-record cost (zero for none). */
  public static EbbFunction<Object, Object> function(Duration work) {
    long nanos = work.toNanos();
    return EbbFunction.of(Codecs.json(), Codecs.json(), record -> {
      if (nanos > 0) {
        LockSupport.parkNanos(nanos);
      }
      return normalize(record);
    });
  }

  static Map<String, Object> normalize(Record<Object> record) {
    if (!(record.value() instanceof Map<?, ?> raw)) {
      throw new IllegalArgumentException("Raw order at " + record + " is not a JSON object");
    }
    String id = raw.get("orderId") instanceof String s ? s.trim() : "";
    if (id.isEmpty()) {
      throw new IllegalArgumentException("Invalid value " + raw.get("orderId") + " for orderId at " + record
          + ": must be a non-blank string");
    }
    List<Map<String, Object>> items = new ArrayList<>();
    if (raw.get("items") instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof Map<?, ?> item)) {
          throw new IllegalArgumentException("Order " + id + " has an item that is not an object: " + o);
        }
        Object qty = item.containsKey("qty") ? item.get("qty") : 1;
        if (!(qty instanceof Number q) || q.doubleValue() < 0 || q.doubleValue() != Math.floor(q.doubleValue())) {
          throw new IllegalArgumentException("Invalid value " + qty + " for qty in order " + id
              + ": must be a whole number >= 0");
        }
        Object price = item.containsKey("price") ? item.get("price") : 0;
        if (!(price instanceof Number p) || !(p.doubleValue() >= 0)) {
          throw new IllegalArgumentException("Invalid value " + price + " for price in order " + id
              + ": must be a number >= 0");
        }
        Map<String, Object> clean = new LinkedHashMap<>();
        clean.put("sku", String.valueOf(item.get("sku")).trim().toUpperCase(Locale.ROOT));
        clean.put("qty", q.longValue());
        clean.put("price", p.doubleValue());
        items.add(clean);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("orderId", id);
    if (raw.get("customerId") instanceof String c) {
      out.put("customerId", c.trim());
    }
    out.put("items", items);
    return out;
  }
}
