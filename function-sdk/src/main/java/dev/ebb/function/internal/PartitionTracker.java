package dev.ebb.function.internal;

import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * Which offsets of one partition are finished, so that only offsets whose predecessors are all done get committed.
 *
 * <p>The poll thread adds a {@link Segment} per poll and asks for the committable offset; processing threads only
 * call {@link Segment#complete}. {@link #abandon()} is visible to all threads: processing threads skip the records
 * of an abandoned partition (it was revoked or lost, its records go to the new owner).
 */
public final class PartitionTracker {
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private long doneUpTo = -1;
  private long lastReported = -1;
  private volatile boolean abandoned;

  /** Adds the offsets of one poll, ascending. Poll thread only. */
  public Segment add(long[] offsets) {
    Segment s = new Segment(this, offsets);
    segments.add(s);
    return s;
  }

  /**
   * The next offset to commit (last contiguously finished offset + 1), if it moved since the previous call.
   * Poll thread only.
   */
  public OptionalLong committable() {
    advance();
    if (doneUpTo > lastReported) {
      lastReported = doneUpTo;
      return OptionalLong.of(doneUpTo);
    }
    return OptionalLong.empty();
  }

  /** The last contiguously finished offset + 1, or -1 if none. Poll thread only. */
  public long doneUpTo() {
    advance();
    return doneUpTo;
  }

  private void advance() {
    while (!segments.isEmpty()) {
      Segment s = segments.peekFirst();
      while (s.cursor < s.offsets.length && s.isDone(s.cursor)) {
        doneUpTo = s.offsets[s.cursor] + 1;
        s.cursor++;
      }
      if (s.cursor < s.offsets.length) {
        return;
      }
      segments.pollFirst();
    }
  }

  /** True when every added record is finished. Poll thread only. */
  public boolean idle() {
    advance();
    return segments.isEmpty();
  }

  /** Records added and not finished. Poll thread only. */
  public int pending() {
    int n = 0;
    for (Segment s : segments) {
      n += s.remaining();
    }
    return n;
  }

  /** The last reported offset was not committed: report it again. Poll thread only. */
  public void resetReported() {
    lastReported = -1;
  }

  public void abandon() {
    abandoned = true;
  }

  public boolean abandoned() {
    return abandoned;
  }
}
