package dev.ebb.function.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/** The records of one partition from one poll, and the outcome of each. */
public final class Segment {
  public static final int PENDING = 0;
  public static final int SUCCEEDED = 1;
  /** Failed every attempt; dead-lettered or skipped. Counts as done for commits. */
  public static final int FAILED = 2;
  /** Not processed because its partition was given up; never committed. */
  public static final int ABANDONED = 3;

  final PartitionTracker owner;
  final long[] offsets;
  private final AtomicIntegerArray state;
  private final AtomicInteger remaining;
  int cursor;

  Segment(PartitionTracker owner, long[] offsets) {
    this.owner = owner;
    this.offsets = offsets;
    this.state = new AtomicIntegerArray(offsets.length);
    this.remaining = new AtomicInteger(offsets.length);
  }

  public PartitionTracker owner() {
    return owner;
  }

  public int size() {
    return offsets.length;
  }

  public long offset(int index) {
    return offsets[index];
  }

  /** Records the outcome of one record; false if it already had one. Any thread. */
  public boolean complete(int index, int outcome) {
    if (state.compareAndSet(index, PENDING, outcome)) {
      remaining.decrementAndGet();
      return true;
    }
    return false;
  }

  public int outcome(int index) {
    return state.get(index);
  }

  boolean isDone(int index) {
    int s = state.get(index);
    return s == SUCCEEDED || s == FAILED;
  }

  int remaining() {
    return remaining.get();
  }
}
