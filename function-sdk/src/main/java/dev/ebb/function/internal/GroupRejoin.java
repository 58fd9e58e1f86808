package dev.ebb.function.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Decides what a consumer-group worker does when the coordinator answers "group ... is not a consumer group"
 * ({@code GroupIdNotFoundException}) with the consumer group protocol. The Kafka client (4.x) treats that answer as
 * fatal for the consumer: its membership goes to FATAL, its partitions are lost, and it never rejoins by itself. The
 * answer is expected for a while after a broker restart (the coordinator reloads the group) and for a member fenced
 * under load, so the worker closes the consumer and creates a fresh one, after a backoff. A group that really is a
 * classic group with active members answers the same every time: after {@link #MAX_ATTEMPTS} fresh consumers in a row
 * got it without joining in between, the worker gives up with a clear error.
 */
final class GroupRejoin {
  static final int MAX_ATTEMPTS = 10;
  static final Duration BASE = Duration.ofMillis(500);
  static final Duration MAX = Duration.ofSeconds(10);

  private int attempts;

  /** The delay before the next fresh consumer, or empty if the worker must give up. */
  Optional<Duration> onNotAConsumerGroup(DoubleSupplier random) {
    if (attempts >= MAX_ATTEMPTS) {
      return Optional.empty();
    }
    attempts++;
    return Optional.of(Backoff.delay(attempts, BASE, MAX, random));
  }

  /** True for the first error of an episode (the one worth a log line). */
  boolean firstOfEpisode() {
    return attempts == 1;
  }

  int attempts() {
    return attempts;
  }

  /** The consumer joined the group (got an assignment): the episode is over. */
  void onJoined() {
    attempts = 0;
  }
}
