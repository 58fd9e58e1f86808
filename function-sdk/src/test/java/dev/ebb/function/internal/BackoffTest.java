package dev.ebb.function.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration BASE = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(10);

  @Test
  void doublesPerRetryBetweenHalfAndFullDelay() {
    assertThat(Backoff.delay(1, BASE, MAX, () -> 0.0)).isEqualTo(Duration.ofMillis(50));
    assertThat(Backoff.delay(1, BASE, MAX, () -> 0.999999)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
    assertThat(Backoff.delay(2, BASE, MAX, () -> 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(Backoff.delay(4, BASE, MAX, () -> 0.5)).isEqualTo(Duration.ofMillis(600));
  }

  @Test
  void capsAtTheMaximumEvenForHugeRetryCounts() {
    assertThat(Backoff.delay(8, BASE, MAX, () -> 0.999999)).isLessThanOrEqualTo(MAX);
    assertThat(Backoff.delay(200, BASE, MAX, () -> 0.0)).isEqualTo(Duration.ofSeconds(5));
    assertThat(Backoff.delay(63, Duration.ofDays(1), MAX, () -> 0.0)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void jitterSpreadsRetries() {
    Duration low = Backoff.delay(3, BASE, MAX, () -> 0.1);
    Duration high = Backoff.delay(3, BASE, MAX, () -> 0.9);
    assertThat(high).isGreaterThan(low);
  }

  @Test
  void rejectsRetryNumbersBelowOne() {
    assertThatThrownBy(() -> Backoff.delay(0, BASE, MAX, () -> 0.0))
        .hasMessageContaining("Invalid value 0 for retry: must be >= 1");
  }
}
