package dev.ebb.function.internal;

import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Transaction steps whose failure handling is easy to get wrong. */
final class Transactions {
  private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

  private Transactions() {}

  /**
   * Commits the open transaction. A {@link TimeoutException} means the outcome is not known yet: the client allows
   * (and expects) {@code commitTransaction} to be called again, while {@code abortTransaction} would throw. Retries up
   * to {@code attempts} times in all, or until {@code giveUp} holds; then the last timeout is thrown (the worker
   * stops; the coordinator completes or aborts the transaction, so nothing is half-visible).
   */
  static void commit(Producer<?, ?> producer, int attempts, BooleanSupplier giveUp) {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        if (attempt >= attempts || giveUp.getAsBoolean()) {
          throw e;
        }
        LOG.warn("Transaction commit timed out (attempt {} of {}), retrying: {}", attempt, attempts,
            e.getMessage());
      }
    }
  }
}
