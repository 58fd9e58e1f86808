package dev.ebb.function.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionTrackerTest {

  @Test
  void commitsOnlyOffsetsWhosePredecessorsAreDone() {
    PartitionTracker t = new PartitionTracker();
    Segment s = t.add(new long[] {10, 11, 12, 13});
    s.complete(1, Segment.SUCCEEDED);
    s.complete(2, Segment.SUCCEEDED);
    assertThat(t.committable()).isEmpty();

    s.complete(0, Segment.SUCCEEDED);
    assertThat(t.committable()).hasValue(13);
    assertThat(t.idle()).isFalse();

    s.complete(3, Segment.FAILED);
    assertThat(t.committable()).hasValue(14);
    assertThat(t.idle()).isTrue();
  }

  @Test
  void reportsEachNewOffsetOnceUntilACommitFails() {
    PartitionTracker t = new PartitionTracker();
    Segment s = t.add(new long[] {0, 1});
    s.complete(0, Segment.SUCCEEDED);
    assertThat(t.committable()).hasValue(1);
    assertThat(t.committable()).isEmpty();

    t.resetReported();
    assertThat(t.committable()).hasValue(1);
  }

  @Test
  void spansSegmentsFromSeveralPollsAndGapsInOffsets() {
    PartitionTracker t = new PartitionTracker();
    Segment first = t.add(new long[] {5, 6});
    Segment second = t.add(new long[] {9, 10});
    second.complete(0, Segment.SUCCEEDED);
    second.complete(1, Segment.SUCCEEDED);
    assertThat(t.doneUpTo()).isEqualTo(-1);
    assertThat(t.pending()).isEqualTo(2);

    first.complete(0, Segment.SUCCEEDED);
    first.complete(1, Segment.SUCCEEDED);
    assertThat(t.doneUpTo()).isEqualTo(11);
    assertThat(t.pending()).isZero();
  }

  @Test
  void abandonedRecordsNeverBecomeCommittable() {
    PartitionTracker t = new PartitionTracker();
    Segment s = t.add(new long[] {0, 1, 2});
    s.complete(0, Segment.SUCCEEDED);
    s.complete(1, Segment.ABANDONED);
    s.complete(2, Segment.SUCCEEDED);
    t.abandon();

    assertThat(t.doneUpTo()).isEqualTo(1);
    assertThat(t.abandoned()).isTrue();
  }

  @Test
  void firstOutcomeOfARecordWins() {
    PartitionTracker t = new PartitionTracker();
    Segment s = t.add(new long[] {0});
    s.complete(0, Segment.ABANDONED);
    s.complete(0, Segment.SUCCEEDED);

    assertThat(s.outcome(0)).isEqualTo(Segment.ABANDONED);
    assertThat(t.doneUpTo()).isEqualTo(-1);
  }
}
