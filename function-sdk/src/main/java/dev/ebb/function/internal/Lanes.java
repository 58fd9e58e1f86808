package dev.ebb.function.internal;

import dev.ebb.function.Ordering;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Processing threads. Each lane is one thread that runs its batches in submission order, so all records that must
 * stay ordered (same partition, or same partition and key) go to the same lane.
 */
public final class Lanes {
  private final ExecutorService[] lanes;
  private final Ordering ordering;
  private final Consumer<List<Pending>> work;
  private final Consumer<Throwable> onFailure;
  private final AtomicInteger roundRobin = new AtomicInteger();

  /**
   * @param work      runs one batch; expected to finish every record it is given
   * @param onFailure gets anything {@code work} throws (the batch's records may be unfinished: the worker must stop)
   */
  public Lanes(int count, Ordering ordering, String name, Consumer<List<Pending>> work,
               Consumer<Throwable> onFailure) {
    this.ordering = ordering;
    this.work = work;
    this.onFailure = onFailure;
    this.lanes = new ExecutorService[count];
    for (int i = 0; i < count; i++) {
      String threadName = name + "-" + i;
      lanes[i] = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
      });
    }
  }

  public int size() {
    return lanes.length;
  }

  /** The lane of a record that must keep partition (or partition + key) order. */
  public int laneOf(ConsumerRecord<byte[], byte[]> r) {
    if (lanes.length == 1) {
      return 0;
    }
    int h = r.topic().hashCode() * 31 + r.partition();
    if (ordering == Ordering.KEY && r.key() != null) {
      h = h * 31 + Arrays.hashCode(r.key());
    }
    return Math.floorMod(h ^ (h >>> 16), lanes.length);
  }

  /** The lane of a record without ordering needs (share groups): keyed records stay together, others spread. */
  public int laneOfUnordered(ConsumerRecord<byte[], byte[]> r) {
    if (lanes.length == 1) {
      return 0;
    }
    if (r.key() != null) {
      return Math.floorMod(Arrays.hashCode(r.key()), lanes.length);
    }
    return Math.floorMod(roundRobin.getAndIncrement(), lanes.length);
  }

  /** Hands out per-lane batches; empty lanes get nothing. */
  public void submit(List<List<Pending>> perLane) {
    for (int i = 0; i < perLane.size(); i++) {
      List<Pending> batch = perLane.get(i);
      if (!batch.isEmpty()) {
        lanes[i].execute(() -> {
          try {
            work.accept(batch);
          } catch (Throwable t) {
            onFailure.accept(t);
          }
        });
      }
    }
  }

  public List<List<Pending>> newBatches(int expected) {
    List<List<Pending>> out = new ArrayList<>(lanes.length);
    for (int i = 0; i < lanes.length; i++) {
      out.add(new ArrayList<>(lanes.length == 1 ? expected : Math.max(16, expected / lanes.length * 2)));
    }
    return out;
  }

  /** Stops accepting work; queued batches still run (they skip records of abandoned partitions). */
  public void shutdown(long waitMillis) {
    for (ExecutorService e : lanes) {
      e.shutdown();
    }
    long deadline = System.currentTimeMillis() + waitMillis;
    for (ExecutorService e : lanes) {
      try {
        e.awaitTermination(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (ExecutorService e : lanes) {
      e.shutdownNow();
    }
  }
}
