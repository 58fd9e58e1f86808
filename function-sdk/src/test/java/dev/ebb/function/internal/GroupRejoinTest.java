package dev.ebb.function.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupRejoinTest {
  @Test
  void recreatesWithGrowingBackoffThenGivesUp() {
    GroupRejoin rejoin = new GroupRejoin();
    Duration previous = Duration.ZERO;
    for (int i = 1; i <= GroupRejoin.MAX_ATTEMPTS; i++) {
      Optional<Duration> delay = rejoin.onNotAConsumerGroup(() -> 0.0);
      assertThat(delay).as("attempt %d", i).isPresent();
      assertThat(delay.get()).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(GroupRejoin.MAX);
      assertThat(rejoin.firstOfEpisode()).isEqualTo(i == 1);
      previous = delay.get();
    }
    assertThat(previous).isEqualTo(GroupRejoin.MAX.dividedBy(2));
    assertThat(rejoin.onNotAConsumerGroup(() -> 0.0)).isEmpty();
  }

  @Test
  void joiningEndsTheEpisode() {
    GroupRejoin rejoin = new GroupRejoin();
    for (int i = 0; i < GroupRejoin.MAX_ATTEMPTS; i++) {
      rejoin.onNotAConsumerGroup(() -> 0.5);
    }
    rejoin.onJoined();
    assertThat(rejoin.onNotAConsumerGroup(() -> 0.0)).contains(GroupRejoin.BASE.dividedBy(2));
    assertThat(rejoin.firstOfEpisode()).isTrue();
  }
}
